#!/usr/bin/env bash
# The bash completion of mptcpctl offers ip's words at each position.
set -u  # not -e: a completion that offers nothing ends in compgen status 1
source "$1"
fails=0
expect() {
    local want=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _mptcpctl
    local got="${COMPREPLY[*]}"
    if [[ $got != "$want" ]]; then
        printf 'FAIL: [%s] completes to [%s], expected [%s]\n' "$*" "$got" "$want"
        fails=$((fails + 1))
    fi
}
expect "endpoint limits monitor connection subflow path-manager profile help" mptcpctl ""
expect "endpoint" mptcpctl en
expect "-json" mptcpctl -j
expect "-details" mptcpctl -d
expect "show announce remove addresses" mptcpctl -d connection ""
expect "token" mptcpctl connection show ""
expect "" mptcpctl connection show token ""
expect "add delete change show flush" mptcpctl -j endpoint ""
expect "dev id port signal subflow backup fullmesh laminar" mptcpctl endpoint add 10.0.0.1 ""
expect "lo" mptcpctl endpoint add 10.0.0.1 dev lo
expect "" mptcpctl endpoint add 10.0.0.1 id ""
expect "nobackup nofullmesh" mptcpctl e c id 1 no
expect "set show" mptcpctl limits ""
expect "subflows add_addr_accepted" mptcpctl limits set ""
expect "" mptcpctl limits set subflows ""
expect "show announce remove addresses" mptcpctl connection ""
expect "token id port dev" mptcpctl connection announce ""
expect "" mptcpctl connection announce token ""
expect "add delete change" mptcpctl subflow ""
expect "nobackup" mptcpctl subflow change token 1 10.0.0.1 rip 10.0.0.2 rport 80 no
expect "show set" mptcpctl path-manager ""
expect "kernel userspace" mptcpctl path-manager set ""
[[ $fails == 0 ]] && echo "completion: all expectations met"
exit "$fails"

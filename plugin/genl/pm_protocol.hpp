// Wire constants of the kernel's "mptcp_pm" generic netlink family.
//
// Written out here rather than taken from <linux/mptcp.h>: Debian 12's uapi
// header is from Linux 6.1 and lacks what later kernels added (the laminar
// flag, listener events, the event attributes after 6.1), while the numbers
// themselves are ABI and never change.
#pragma once

#include <cstdint>

namespace mptcp::proto {

inline constexpr const char* kFamilyName = "mptcp_pm";
inline constexpr const char* kEventsGroupName = "mptcp_pm_events";
inline constexpr std::uint8_t kFamilyVersion = 1;

enum Command : std::uint8_t {
    CMD_ADD_ADDR = 1,
    CMD_DEL_ADDR = 2,
    CMD_GET_ADDR = 3,
    CMD_FLUSH_ADDRS = 4,
    CMD_SET_LIMITS = 5,
    CMD_GET_LIMITS = 6,
    CMD_SET_FLAGS = 7,
    // The userspace path manager's per-connection commands (by token).
    CMD_ANNOUNCE = 8,
    CMD_REMOVE = 9,
    CMD_SUBFLOW_CREATE = 10,
    CMD_SUBFLOW_DESTROY = 11,
};

// Top-level attributes of configuration requests (MPTCP_PM_ATTR_*).
enum PmAttr : std::uint16_t {
    ATTR_ADDR = 1,           // nested, AddrAttr
    ATTR_RCV_ADD_ADDRS = 2,  // u32
    ATTR_SUBFLOWS = 3,       // u32
    ATTR_TOKEN = 4,          // u32
    ATTR_LOC_ID = 5,         // u8
    ATTR_ADDR_REMOTE = 6,    // nested
};

// Attributes inside the ATTR_ADDR nest (MPTCP_PM_ADDR_ATTR_*).
enum AddrAttr : std::uint16_t {
    ADDR_ATTR_FAMILY = 1,  // u16
    ADDR_ATTR_ID = 2,      // u8
    ADDR_ATTR_ADDR4 = 3,   // struct in_addr (network order)
    ADDR_ATTR_ADDR6 = 4,   // struct in6_addr
    ADDR_ATTR_PORT = 5,    // u16, HOST order inside this nest
    ADDR_ATTR_FLAGS = 6,   // u32
    ADDR_ATTR_IF_IDX = 7,  // s32
};

// Endpoint flag bits (MPTCP_PM_ADDR_FLAG_*).
enum AddrFlag : std::uint32_t {
    FLAG_SIGNAL = 1u << 0,
    FLAG_SUBFLOW = 1u << 1,
    FLAG_BACKUP = 1u << 2,
    FLAG_FULLMESH = 1u << 3,
    FLAG_IMPLICIT = 1u << 4,
    FLAG_LAMINAR = 1u << 5,
};

// Event commands sent on the mptcp_pm_events group (MPTCP_EVENT_*).
enum EventType : std::uint8_t {
    EVENT_CREATED = 1,
    EVENT_ESTABLISHED = 2,
    EVENT_CLOSED = 3,
    EVENT_ANNOUNCED = 6,
    EVENT_REMOVED = 7,
    EVENT_SUB_ESTABLISHED = 10,
    EVENT_SUB_CLOSED = 11,
    EVENT_SUB_PRIORITY = 13,
    EVENT_LISTENER_CREATED = 15,
    EVENT_LISTENER_CLOSED = 16,
};

// Attributes of events (MPTCP_ATTR_*). SPORT/DPORT are big-endian here,
// unlike ADDR_ATTR_PORT.
enum EventAttr : std::uint16_t {
    EV_ATTR_TOKEN = 1,          // u32
    EV_ATTR_FAMILY = 2,         // u16
    EV_ATTR_LOC_ID = 3,         // u8
    EV_ATTR_REM_ID = 4,         // u8
    EV_ATTR_SADDR4 = 5,         // be32
    EV_ATTR_SADDR6 = 6,         // in6_addr
    EV_ATTR_DADDR4 = 7,         // be32
    EV_ATTR_DADDR6 = 8,         // in6_addr
    EV_ATTR_SPORT = 9,          // be16
    EV_ATTR_DPORT = 10,         // be16
    EV_ATTR_BACKUP = 11,        // u8
    EV_ATTR_ERROR = 12,         // u8
    EV_ATTR_FLAGS = 13,         // u16
    EV_ATTR_TIMEOUT = 14,       // u32
    EV_ATTR_IF_IDX = 15,        // s32
    EV_ATTR_RESET_REASON = 16,  // u32
    EV_ATTR_RESET_FLAGS = 17,   // u32
    EV_ATTR_SERVER_SIDE = 18,   // u8 (deprecated by the kernel for EV_FLAG_SERVER_SIDE)
};

// Bits of EV_ATTR_FLAGS (MPTCP_PM_EV_FLAG_*).
enum EventFlag : std::uint16_t {
    EV_FLAG_DENY_JOIN_ID0 = 1u << 0,
    EV_FLAG_SERVER_SIDE = 1u << 1,
};

// The kernel's own bounds (docs/kernel-behaviour.md §1).
inline constexpr unsigned kMaxEndpoints = 8;
inline constexpr unsigned kMaxLimit = 8;
inline constexpr unsigned kMaxEndpointId = 255;

}  // namespace mptcp::proto

#!/usr/bin/python3
"""The Cockpit page in a real browser, against the real service and kernel.

Everything runs in a network namespace of the test's own (the script
re-executes itself under `unshare --net`): a private dbus-daemon with the
project's bus policy, mptcp-pathmanagerd, Debian's cockpit-ws serving the
page from the source tree (--local-session=cockpit-bridge, so no login),
and a headless chromium driven by selenium through chromedriver. The only
traffic is on the namespace's loopback.

Every element is found by its accessible name, the way a screen reader
finds it (the names docs/settings-ui.md lists), and every action is checked
against the kernel with `ip mptcp` in the namespace.

Exit status: 0 pass, 1 fail, 77 skip (not root, a tool missing); under
CI=true a skip is a failure.
"""
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

SELF = os.path.abspath(__file__)
NAME = "org.mptcp.PathManager"
OBJ = "/org/mptcp/PathManager"
WAIT = float(os.environ.get("MPTCP_BROWSER_WAIT", "15"))  # generous for a loaded CI machine


def log(*args):
    print(time.strftime("[%H:%M:%S]"), *args, flush=True)


def skip(why):
    if os.environ.get("CI") == "true":
        print("FAIL: the browser test cannot run in CI: " + why)
        sys.exit(1)
    print("SKIP: " + why)
    sys.exit(77)


def outer():
    for v in ("MPTCP_PATHMANAGERD", "MPTCP_TEST_POLICY", "MPTCP_TEST_BUS_DEFAULTS", "MPTCP_COCKPIT_PAGE"):
        if not os.environ.get(v):
            print(f"FAIL: {v} is not set (run this test through meson test)")
            sys.exit(1)
    if os.geteuid() != 0:
        skip("needs root (a network namespace, the service's netlink calls)")
    for tool in ("unshare", "ip", "dbus-daemon", "busctl", "chromium", "chromedriver", "cockpit-bridge"):
        if shutil.which(tool) is None:
            skip(f"{tool} not found (tools/install-deps.sh installs it)")
    if cockpit_ws() is None:
        skip("cockpit-ws not found (tools/install-deps.sh installs it)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        skip("python3-selenium is missing (tools/install-deps.sh installs it)")
    if not os.path.exists("/proc/sys/net/mptcp/enabled"):
        skip("this kernel has no MPTCP")
    # A fresh network namespace for this process and all it starts: when
    # they end, it is gone.
    os.execvp("unshare", ["unshare", "--net", "--", sys.executable, SELF, "__inner"])


def cockpit_ws():
    for path in ("/usr/lib/cockpit/cockpit-ws", "/usr/libexec/cockpit-ws"):
        if os.access(path, os.X_OK):
            return path
    return None


def die_with_parent():
    # PR_SET_PDEATHSIG: whatever happens to the test, its children go too.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


class Processes:
    """Processes this test started, stopped by PID at the end."""

    def __init__(self, work):
        self.work = work
        self.procs = []
        self.pid_files = []  # processes started for the test by others (a wrapper)

    def start(self, name, argv, env=None):
        out = open(os.path.join(self.work, name + ".log"), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=die_with_parent)
        self.procs.append((name, p))
        return p

    def stop_all(self):
        for path in self.pid_files:
            try:
                os.kill(int(open(path).read().strip()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def tail(self, name, lines=30):
        try:
            with open(os.path.join(self.work, name + ".log")) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def wait_until(what, predicate, timeout=WAIT, interval=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 -- a failed probe is a "not yet"
            last = e
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} (last: {last!r})")
        time.sleep(interval)


def run(*argv, check=True):
    r = subprocess.run(argv, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed: {r.stderr.strip()}")
    return r


def endpoints():
    return run("ip", "mptcp", "endpoint", "show").stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Page:
    """The page in chromium; elements found by role and accessible name."""

    # Candidate elements for a computed role; the role itself is checked too.
    SELECTORS = {
        "button": "button",
        "textbox": "input[type=text]",
        "spinbutton": "input[type=number]",
        "checkbox": "input[type=checkbox]",
        "switch": "[role=switch]",
        "table": "table",
        "list": "ul, ol",
        "alert": "[role=alert]",
    }

    def __init__(self, driver):
        self.driver = driver
        from selenium.webdriver.common.by import By
        self.By = By

    def all_named(self, role, name):
        found = []
        for e in self.driver.find_elements(self.By.CSS_SELECTOR, self.SELECTORS[role]):
            if e.accessible_name == name and e.aria_role == role:
                found.append(e)
        return found

    def find(self, role, name):
        def one():
            found = self.all_named(role, name)
            if len(found) > 1:
                raise AssertionError(f"{len(found)} elements are {role} {name!r}")
            return found[0] if found else None
        return wait_until(f"{role} {name!r}", one)

    def alert(self):
        return self.driver.find_element(self.By.CSS_SELECTOR, "[role=alert]")

    def click(self, role, name):
        # A table may be rebuilt between finding and clicking (the page
        # re-reads every 2 s): find again if the element went stale.
        from selenium.common.exceptions import StaleElementReferenceException
        for _ in range(5):
            try:
                self.find(role, name).click()
                return
            except StaleElementReferenceException:
                time.sleep(0.1)
        raise AssertionError(f"{role} {name!r} kept going stale")

    def fill(self, role, name, text):
        # As a user would: click into the field, then type. The page does
        # not rebuild a row under the user's typing, but it may rebuild one
        # between finding the field and the click: find it again then.
        from selenium.common.exceptions import StaleElementReferenceException
        for _ in range(5):
            try:
                e = self.find(role, name)
                e.click()
                e.clear()
                if text:
                    e.send_keys(text)
                return
            except StaleElementReferenceException:
                time.sleep(0.1)
        raise AssertionError(f"{role} {name!r} kept going stale")

    def table_text(self, name):
        from selenium.common.exceptions import StaleElementReferenceException
        for _ in range(5):
            try:
                return self.find("table", name).find_element(self.By.TAG_NAME, "tbody").text
            except StaleElementReferenceException:
                time.sleep(0.1)
        raise AssertionError(f"table {name!r} kept going stale")

    def events(self):
        lst = self.find("list", "MPTCP events")
        return [li.get_attribute("data-signal") for li in lst.find_elements(self.By.TAG_NAME, "li")]


class Checks:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, name, fn):
        self.count += 1
        try:
            fn()
            log("PASS", name)
        except Exception as e:  # noqa: BLE001 -- every failure is reported, then the next check runs
            self.failed += 1
            log("FAIL", name + ":", e)
            traceback.print_exc(limit=3, file=sys.stdout)


def world_reachable_tmp():
    """A temporary directory every user can reach: the bus socket and the
    page must be open to the bridge that runs as nobody."""
    for base in (tempfile.gettempdir(), "/var/tmp"):
        if os.stat(base).st_mode & 0o001:
            return base
    return "/var/tmp"


def inner():
    work = tempfile.mkdtemp(prefix="mptcp-cockpit-test.", dir=world_reachable_tmp())
    os.chmod(work, 0o755)
    procs = Processes(work)
    driver = None
    try:
        run("ip", "link", "set", "lo", "up")
        driver = start_everything(work, procs)
        driver.unprivileged_url = start_unprivileged_cockpit(work, procs)
        ok = scenarios(Page(driver), procs)
    except Exception:  # noqa: BLE001
        traceback.print_exc(file=sys.stdout)
        for name in ("dbus-daemon", "mptcp-pathmanagerd", "cockpit-ws", "cockpit-ws-nobody", "chromedriver"):
            print(f"----- {name} (last lines) -----\n{procs.tail(name)}")
        ok = False
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    log("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


def start_everything(work, procs):
    address = f"unix:path={work}/system_bus_socket"
    with open(os.path.join(work, "bus.conf"), "w") as f:
        f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <include>{os.environ["MPTCP_TEST_BUS_DEFAULTS"]}</include>
  <policy user="root">
    <allow own="*"/>
    <allow send_destination="*"/>
  </policy>
  <include>{os.environ["MPTCP_TEST_POLICY"]}</include>
</busconfig>
""")
    procs.start("dbus-daemon", ["dbus-daemon", f"--config-file={work}/bus.conf", "--nofork", "--nopidfile",
                                "--nosyslog"])
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
    wait_until("the private bus", lambda: run("busctl", f"--address={address}", "call", "org.freedesktop.DBus",
                                              "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId").returncode == 0)
    procs.start("mptcp-pathmanagerd", [os.environ["MPTCP_PATHMANAGERD"], f"--state-file={work}/managed.state"], env)
    wait_until("the service on the bus", lambda: "true" in run(
        "busctl", f"--address={address}", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus", "NameHasOwner", "s", NAME).stdout)
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = address
    return start_browser(work, procs)


def start_browser(work, procs):
    """cockpit-ws and chromium on the bus of DBUS_SYSTEM_BUS_ADDRESS; the page loaded."""
    env = dict(os.environ)
    # The page from the source tree, where cockpit-bridge looks for packages;
    # base1 (cockpit.js) from the system. No /etc/cockpit of the host.
    data = os.path.join(work, "data")
    os.makedirs(os.path.join(data, "cockpit"))
    # A copy, not a link: the bridge that runs as nobody must read it too.
    shutil.copytree(os.environ["MPTCP_COCKPIT_PAGE"], os.path.join(data, "cockpit", "mptcp-pathmanager"))
    os.makedirs(os.path.join(work, "config"))
    os.makedirs(os.path.join(work, "home"))
    ws_env = dict(env, XDG_DATA_DIRS=f"{data}:/usr/share", XDG_CONFIG_DIRS=os.path.join(work, "config"),
                  HOME=os.path.join(work, "home"))
    port = free_port()
    procs.start("cockpit-ws", [cockpit_ws(), "--no-tls", "-a", "127.0.0.1", "-p", str(port),
                               "--local-session=cockpit-bridge"], ws_env)

    def ws_up():
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    wait_until("cockpit-ws", ws_up)

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={work}/chromium"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver"), port=free_port(),
                      log_path=os.path.join(work, "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    procs.procs.append(("chromedriver", service.process))
    driver.get(f"http://127.0.0.1:{port}/cockpit/@localhost/mptcp-pathmanager/index.html")
    wait_until("the page to load", lambda: driver.find_element("css selector", "body").get_attribute("data-loaded"))
    return driver


def start_unprivileged_cockpit(work, procs):
    """A second Cockpit whose bridge runs as nobody: a user without
    administrative access. Its changes are the service's to refuse (no
    polkit on this bus grants them). Returns the page's URL."""
    run_dir = os.path.join(work, "run-nobody")
    os.mkdir(run_dir, 0o700)
    os.chown(run_dir, 65534, 65534)
    # The bridge needs a session bus and would start an ssh-agent without
    # SSH_AUTH_SOCK (which crashes cockpit-bridge 287 for a user whose home
    # does not exist): give it a session bus of the test's own, whose PID is
    # recorded so that the test stops it.
    wrapper = os.path.join(work, "bridge-as-nobody")
    with open(wrapper, "w") as f:
        f.write(f"""#!/bin/sh
export XDG_RUNTIME_DIR={run_dir} SSH_AUTH_SOCK={run_dir}/no-ssh-agent
exec setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '
dbus-daemon --session --nofork --nopidfile --address=unix:path={run_dir}/bus >/dev/null 2>&1 &
echo $! >{run_dir}/session-bus.pid
DBUS_SESSION_BUS_ADDRESS=unix:path={run_dir}/bus exec cockpit-bridge'
""")
    os.chmod(wrapper, 0o755)
    port = free_port()
    env = dict(os.environ, XDG_DATA_DIRS=f"{work}/data:/usr/share", XDG_CONFIG_DIRS=os.path.join(work, "config"))
    procs.start("cockpit-ws-nobody", [cockpit_ws(), "--no-tls", "-a", "127.0.0.1", "-p", str(port),
                                      f"--local-session={wrapper}"], env)
    procs.pid_files.append(os.path.join(run_dir, "session-bus.pid"))

    def ws_up():
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    wait_until("the second cockpit-ws", ws_up)
    return f"http://127.0.0.1:{port}/cockpit/@localhost/mptcp-pathmanager/index.html"


def service_error(*argv):
    """The message of the error the service answers to the same call made
    with dbus-send (ARGV: an optional user switch, "dbus-send", the method,
    dbus-send's typed arguments)."""
    i = argv.index("dbus-send")
    r = run(*argv[:i], "dbus-send", "--system", "--print-reply", f"--dest={NAME}", OBJ, f"{NAME}.{argv[i + 1]}",
            *argv[i + 2:], check=False)
    assert r.returncode != 0, f"the same call through dbus-send did not fail: {r.stdout}"
    first = r.stderr.strip().splitlines()[0]
    assert first.startswith("Error "), r.stderr
    return first.split(": ", 1)[1]


def busctl(*args, check=True):
    return run("busctl", "--system", *args, check=check)


def service_offers(interface):
    return interface in busctl("introspect", "--xml-interface", NAME, OBJ).stdout


def scenarios(page, procs):
    c = Checks()
    ep = page.find

    def the_page_has_every_part():
        for role, name in [("table", "MPTCP endpoints"), ("textbox", "Address"), ("spinbutton", "Port"),
                           ("textbox", "Interface"), ("spinbutton", "ID"), ("checkbox", "signal"),
                           ("checkbox", "subflow"), ("checkbox", "backup"), ("checkbox", "fullmesh"),
                           ("checkbox", "laminar"), ("button", "Add endpoint"), ("button", "Remove all endpoints"),
                           ("spinbutton", "Subflows"), ("spinbutton", "ADD_ADDR accepted"),
                           ("button", "Save limits"), ("switch", "MPTCP enabled"), ("table", "Managed interfaces"),
                           ("table", "Connection profiles"), ("table", "MPTCP connections"),
                           ("list", "MPTCP events")]:
            ep(role, name)
    c.check("every part of the page is there by its accessible name", the_page_has_every_part)

    def add():
        page.fill("textbox", "Address", "192.0.2.1")
        page.fill("textbox", "Interface", "lo")
        page.fill("spinbutton", "ID", "5")
        page.click("checkbox", "subflow")
        page.click("button", "Add endpoint")
        wait_until("192.0.2.1 id 5 subflow dev lo in the kernel",
                   lambda: "192.0.2.1 id 5 subflow dev lo" in endpoints())
        wait_until("the new row", lambda: "192.0.2.1" in page.table_text("MPTCP endpoints"))
        ep("button", "Delete endpoint 5")
    c.check("Add endpoint: the kernel has it, the table shows it", add)

    def add_with_port():
        # A port makes the kernel listen there: a local address (loopback).
        page.fill("textbox", "Address", "127.0.0.1")
        page.fill("textbox", "Interface", "")
        page.fill("spinbutton", "ID", "")
        page.fill("spinbutton", "Port", "8080")
        page.click("checkbox", "subflow")  # off again
        page.click("checkbox", "signal")
        page.click("checkbox", "backup")
        page.click("button", "Add endpoint")
        wait_until("a signal endpoint with port 8080 in the kernel",
                   lambda: re.search(r"^127\.0\.0\.1 port 8080 id \d+ signal backup *$", endpoints(), re.M))
        # Back to the first endpoint's form for the duplicate below.
        page.fill("spinbutton", "Port", "")
        for flag in ("signal", "backup", "subflow"):
            page.click("checkbox", flag)
        page.fill("textbox", "Address", "192.0.2.1")
        page.fill("textbox", "Interface", "lo")
        page.fill("spinbutton", "ID", "5")
    c.check("Add endpoint with a port and signal backup, no interface, the id the kernel's choice", add_with_port)

    def duplicate():
        before = endpoints()
        page.click("button", "Add endpoint")  # the same form again: the address is taken
        # The message exactly as the service words it for the same call.
        expected = service_error("dbus-send", "AddEndpoint", "string:192.0.2.1", "uint16:0", "string:lo",
                                 "uint32:5", "array:string:subflow")
        alert = page.alert()
        wait_until("the alert", lambda: alert.is_displayed() and alert.text.strip())
        assert page.alert().get_attribute("role") == "alert"
        text = alert.text
        assert expected in text, f"alert {text!r}, service said {expected!r}"
        assert endpoints() == before, "the table changed"
    c.check("a duplicate address: the service's message in the alert, nothing changed", duplicate)

    def pressed(flag):
        return ep("button", f"Toggle {flag} of endpoint 5").get_attribute("aria-pressed") == "true"

    def toggle():
        page.click("button", "Toggle backup of endpoint 5")
        wait_until("backup in the kernel", lambda: "192.0.2.1 id 5 subflow backup dev lo" in endpoints())
        page.click("button", "Toggle fullmesh of endpoint 5")
        wait_until("fullmesh in the kernel", lambda: "192.0.2.1 id 5 subflow backup fullmesh dev lo" in endpoints())
        # As a user would: toggle backup again once the page shows it on.
        wait_until("the page showing backup and fullmesh on", lambda: pressed("backup") and pressed("fullmesh"))
        page.click("button", "Toggle backup of endpoint 5")
        wait_until("backup cleared, fullmesh kept",
                   lambda: "192.0.2.1 id 5 subflow fullmesh dev lo" in endpoints())
        assert not page.alert().is_displayed(), "a successful change left the alert up"
    c.check("Toggle backup / fullmesh: the kernel follows", toggle)

    def delete():
        page.click("button", "Delete endpoint 5")
        wait_until("endpoint 5 gone from the kernel", lambda: "id 5 " not in endpoints())
        wait_until("endpoint 5 gone from the page", lambda: not page.all_named("button", "Delete endpoint 5"))
    c.check("Delete endpoint: gone from the kernel and the page", delete)

    def limits():
        page.fill("spinbutton", "Subflows", "3")
        page.fill("spinbutton", "ADD_ADDR accepted", "4")
        page.click("button", "Save limits")
        wait_until("the kernel's limits", lambda: "add_addr_accepted 4 subflows 3" in
                   run("ip", "mptcp", "limits", "show").stdout)
    c.check("Save limits: the kernel has them", limits)

    def enabled():
        switch = ep("switch", "MPTCP enabled")
        assert switch.is_selected(), "the switch is off while net.mptcp.enabled is 1"
        page.click("switch", "MPTCP enabled")
        wait_until("net.mptcp.enabled = 0", lambda: open("/proc/sys/net/mptcp/enabled").read().strip() == "0")
        # As a user would: click again once the page shows the switch off.
        wait_until("the switch off after the click", lambda: not ep("switch", "MPTCP enabled").is_selected())
        page.click("switch", "MPTCP enabled")
        wait_until("net.mptcp.enabled = 1", lambda: open("/proc/sys/net/mptcp/enabled").read().strip() == "1")
        run("sysctl", "-qw", "net.mptcp.enabled=0")  # from outside: the page follows without a reload
        wait_until("the switch off", lambda: not ep("switch", "MPTCP enabled").is_selected())
        run("sysctl", "-qw", "net.mptcp.enabled=1")
        wait_until("the switch on", lambda: ep("switch", "MPTCP enabled").is_selected())
    c.check("MPTCP enabled: the switch sets net.mptcp.enabled and follows it", enabled)

    def ip_added():
        run("ip", "mptcp", "endpoint", "add", "198.51.100.9", "id", "9", "signal")
        run("ip", "mptcp", "endpoint", "add", "198.51.100.10", "id", "10", "subflow")
        wait_until("the endpoints ip added, without a reload",
                   lambda: "198.51.100.9" in page.table_text("MPTCP endpoints") and
                   "198.51.100.10" in page.table_text("MPTCP endpoints"))
        ep("button", "Delete endpoint 9")
        run("ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "1")
        wait_until("the limits ip set", lambda: ep("spinbutton", "Subflows").get_attribute("value") == "2" and
                   ep("spinbutton", "ADD_ADDR accepted").get_attribute("value") == "1")
    c.check("endpoints and limits changed with ip show up without a reload", ip_added)

    def remove_all():
        page.click("button", "Remove all endpoints")
        page.click("button", "Remove all")
        wait_until("an empty kernel table", lambda: endpoints().strip() == "")
        wait_until("an empty page table", lambda: "198.51.100" not in page.table_text("MPTCP endpoints"))
    c.check("Remove all endpoints, confirmed with Remove all: the kernel's table is empty", remove_all)

    def managed():
        options = ["2", "owner", "s", "test-owner", "source", "s", "set by the browser test"]
        with_source = busctl("call", NAME, OBJ, NAME, "ManageInterface", "sasa{sv}", "lo", "1", "subflow", *options,
                             check=False).returncode == 0
        if not with_source:  # a service without the `source` option yet, and only that
            refusal = busctl("call", NAME, OBJ, NAME, "ManageInterface", "sasa{sv}", "lo", "1", "subflow", *options,
                             check=False).stderr
            assert 'unknown option "source"' in refusal, refusal
            busctl("call", NAME, OBJ, NAME, "ManageInterface", "sasa{sv}", "lo", "1", "subflow", "1", "owner", "s",
                   "test-owner")
        wait_until("lo in Managed interfaces", lambda: "lo subflow test-owner" in page.table_text("Managed interfaces"))
        log("  the service " + ("takes" if with_source else "does not take yet") + " the option source")
        if with_source:
            assert "set by the browser test" in page.table_text("Managed interfaces")
        busctl("call", NAME, OBJ, NAME, "ReleaseInterface", "s", "lo")
        wait_until("lo no longer managed", lambda: "lo subflow" not in page.table_text("Managed interfaces"))
    c.check("Managed interfaces: interface, flags, owner (and source where the service has it)", managed)

    def profiles():
        # No NetworkManager on this private bus: the table says so.
        wait_until("the profiles table's state", lambda: "NetworkManager is not running" in
                   page.table_text("Connection profiles"))
    c.check("Connection profiles without NetworkManager: a clear state", profiles)

    def connection_and_events():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262) as server:  # IPPROTO_MPTCP
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            port = server.getsockname()[1]
            client = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
            client.connect(("127.0.0.1", port))
            conn, _ = server.accept()
            wait_until("ConnectionEstablished in MPTCP events", lambda: "ConnectionEstablished" in page.events())
            if service_offers("org.mptcp.PathManager.Connections"):
                log("  the service has the Connections interface: the table must list the connection")
                wait_until("the connection in MPTCP connections",
                           lambda: f"127.0.0.1:{port}" in page.table_text("MPTCP connections"))
            else:
                log("  the service has no Connections interface: the table must say so")
                wait_until("MPTCP connections: not available", lambda: "not available" in
                           page.table_text("MPTCP connections"))
            client.close()
            conn.close()
            # (The listener is still open: its ListenerClosed would come last.)
            def closed_first():
                order = page.events()
                if order[:1] != ["ConnectionClosed"]:
                    raise AssertionError(f"the events now: {order}")
                return True
            wait_until("ConnectionClosed newest, first in the list", closed_first)
            order = page.events()
            assert order[0] == "ConnectionClosed", f"not newest first: {order}"
            assert order.index("ConnectionEstablished") < order.index("ConnectionCreated") < \
                order.index("ListenerCreated"), f"not newest first: {order}"
    c.check("a loopback MPTCP connection: its events newest first, the connections table", connection_and_events)

    def unprivileged():
        run("ip", "mptcp", "endpoint", "add", "203.0.113.5", "id", "42", "signal")
        driver = page.driver
        driver.get(driver.unprivileged_url)
        wait_until("the page as nobody", lambda: driver.find_element("css selector", "body").get_attribute("data-loaded"))
        wait_until("reading works without administrative access",
                   lambda: "203.0.113.5" in page.table_text("MPTCP endpoints"))
        before = endpoints()
        page.fill("textbox", "Address", "192.0.2.77")
        page.click("checkbox", "subflow")
        page.click("button", "Add endpoint")
        expected = service_error("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dbus-send",
                                 "AddEndpoint", "string:192.0.2.77", "uint16:0", "string:", "uint32:0",
                                 "array:string:subflow")
        assert expected, "the same call as nobody through busctl did not fail"
        alert = page.alert()
        def refused():
            if not (alert.is_displayed() and expected in alert.text):
                raise AssertionError(f"alert {alert.text!r} (shown: {alert.is_displayed()}), expected {expected!r}")
            return True
        wait_until("the refusal in the alert", refused)
        log("  the alert says:", alert.text.splitlines()[0])
        page.click("button", "Dismiss the message")
        wait_until("the alert dismissed", lambda: not alert.is_displayed())
        page.click("button", "Delete endpoint 42")
        expected = service_error("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dbus-send",
                                 "DeleteEndpoint", "uint32:42", "string:")
        wait_until("the delete refused too", refused)
        assert endpoints() == before, "the kernel's table changed"
    c.check("without administrative access: reading works, changes are refused with the service's message",
            unprivileged)

    def no_console_errors():
        entries = page.driver.get_log("browser")
        severe = [e for e in entries if e.get("level") == "SEVERE"]
        for e in entries:
            print("  console:", e.get("level"), e.get("message"))
        assert not severe, f"{len(severe)} JavaScript error(s) in the console"
    c.check("no JavaScript errors in the console", no_console_errors)

    log(f"{c.count} checks, {c.failed} failed")
    if c.failed:
        print(f"----- mptcp-pathmanagerd (last lines) -----\n{procs.tail('mptcp-pathmanagerd')}")
        for name in ("cockpit-ws", "cockpit-ws-nobody"):
            print(f"----- {name} (last lines) -----\n{procs.tail(name)}")
    return c.failed == 0


def profiles_mode(keyfile, address, iface):
    """Run by tests/e2e/nm_e2e.sh inside its namespaces, on its private bus
    with a real NetworkManager and the hook: the profile control of the
    active profile mp-default, checked in its keyfile and in the kernel."""
    from selenium.webdriver.common.keys import Keys
    work = tempfile.mkdtemp(prefix="mptcp-cockpit-profiles.")
    os.chmod(work, 0o755)
    procs = Processes(work)
    driver = None
    c = Checks()
    try:
        driver = start_browser(work, procs)
        page = Page(driver)
        control = "MPTCP flags for mp-default"

        def has_ep(flags):
            return re.search(rf"^{re.escape(address)} id \d+ {flags} dev {iface} *$", endpoints(), re.M)

        def row_shows(text):
            # Out of the input, the page rebuilds the row from what NetworkManager stored.
            driver.find_element(page.By.TAG_NAME, "h1").click()
            return page.find("textbox", control).get_attribute("value") == text

        def read():
            wait_until("the profile's control, showing default", lambda: row_shows("default"))
            assert "nm0" in page.table_text("Connection profiles")
        c.check("Connection profiles: mp-default, active on its device, flags default", read)

        def set_flags():
            page.fill("textbox", control, "subflow,backup")
            page.find("textbox", control).send_keys(Keys.ENTER)
            wait_until("the keyfile's user data",
                       lambda: "mptcp-pathmanager.flags=subflow,backup" in open(keyfile).read().splitlines())
            wait_until("subflow backup endpoint (the hook ran on the reapply)", lambda: has_ep("subflow backup"))
            wait_until("the control showing the stored flags", lambda: row_shows("subflow,backup"))
            assert not page.alert().is_displayed(), page.alert().text
        c.check("MPTCP flags for mp-default: saved to disk, reapplied, the endpoints follow", set_flags)

        def default():
            page.fill("textbox", control, "default")
            page.find("textbox", control).send_keys(Keys.ENTER)
            wait_until("no user data in the keyfile", lambda: "mptcp-pathmanager.flags" not in open(keyfile).read())
            wait_until("the built-in subflow endpoint again", lambda: has_ep("subflow"))
            wait_until("the control showing default", lambda: row_shows("default"))
        c.check("default removes the key; the built-in flags apply again", default)

        def refused():
            page.fill("textbox", control, "signal,fullmesh")
            page.find("textbox", control).send_keys(Keys.ENTER)
            alert = page.alert()
            wait_until("the alert", lambda: alert.is_displayed() and alert.text.strip())
            log("  the alert says:", alert.text)
            assert "mptcp-pathmanager.flags" not in open(keyfile).read()
        c.check("flags the hook would refuse are refused, with the reason in the alert", refused)

        def no_console_errors():
            severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
            assert not severe, f"JavaScript errors: {severe}"
        c.check("no JavaScript errors in the console", no_console_errors)
    except Exception:  # noqa: BLE001
        traceback.print_exc(file=sys.stdout)
        c.failed += 1
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        if c.failed:
            print(f"----- cockpit-ws (last lines) -----\n{procs.tail('cockpit-ws')}")
        procs.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    log(f"{c.count} checks, {c.failed} failed")
    sys.exit(0 if c.failed == 0 else 1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "__inner":
        inner()
    elif len(sys.argv) == 5 and sys.argv[1] == "--profiles":
        profiles_mode(*sys.argv[2:])
    else:
        outer()

/* The MPTCP page: org.mptcp.PathManager (and its Connections interface
 * where the service has it) and NetworkManager's profiles, over Cockpit's
 * D-Bus channel on the system bus. Plain JavaScript, no build step.
 *
 * Staying current: the service signals EndpointsChanged and
 * PropertiesChanged only for changes made through it (the kernel announces
 * none: `ip mptcp`, sysctl and NetworkManager change things silently), so
 * the page also re-reads everything every 2 s while it is visible. */
"use strict";

(function () {
    const NAME = "org.mptcp.PathManager";
    const PATH = "/org/mptcp/PathManager";
    const IFACE = "org.mptcp.PathManager";
    const CONNECTIONS_IFACE = "org.mptcp.PathManager.Connections";
    const NM = "org.freedesktop.NetworkManager";
    const NM_PATH = "/org/freedesktop/NetworkManager";
    const USER_KEY = "mptcp-pathmanager.flags";
    const REFRESH_MS = 2000;
    const MAX_EVENTS = 200;
    const EVENT_SIGNALS = [
        "ConnectionCreated", "ConnectionEstablished", "ConnectionClosed", "AddressAnnounced",
        "AddressRemoved", "SubflowEstablished", "SubflowClosed", "SubflowPriorityChanged",
        "ListenerCreated", "ListenerClosed", "UnknownEvent", "EventsLost",
    ];

    // Administrative access when Cockpit has it; otherwise the calls come
    // from the user and the service asks polkit (the user's agent).
    const service = cockpit.dbus(NAME, { bus: "system", superuser: "try" });
    const nm = cockpit.dbus(NM, { bus: "system", superuser: "try" });

    const $ = (id) => document.getElementById(id);
    let refreshing = null; // the refresh in flight, if any
    let refreshAgain = false; // asked for while one was in flight
    let limitsEdited = false;
    const shown = {}; // what each table shows now, to rebuild only on change

    /* ---------------------------------------------------------- helpers */

    function el(tag, attrs, children) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (k === "text")
                e.textContent = v;
            else
                e.setAttribute(k, v);
        }
        for (const c of children || [])
            e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
        return e;
    }

    // A variant of Cockpit's D-Bus JSON ({t, v}) or a plain value.
    function plain(value) {
        return value !== null && typeof value === "object" && "v" in value && "t" in value ? value.v : value;
    }

    function showError(ex) {
        // The service's message as the service wrote it.
        $("alert-text").textContent = (ex && ex.message) ? ex.message : String(ex);
        $("alert").hidden = false;
    }

    function clearError() {
        $("alert").hidden = true;
        $("alert-text").textContent = "";
    }

    // A change: the alert is cleared first, filled on failure; a re-read follows.
    function change(promise) {
        clearError();
        return promise.then(() => refresh()).catch(ex => { showError(ex); return refresh(); });
    }

    function call(method, args, type) {
        return service.call(PATH, IFACE, method, args, { type: type || "" });
    }

    function replaceRows(table, key, rows) {
        if (shown[table] === key)
            return;
        shown[table] = key;
        const body = $(table).tBodies[0];
        body.replaceChildren(...rows);
    }

    function messageRow(columns, text) {
        return el("tr", { class: "message" }, [el("td", { colspan: String(columns), text })]);
    }

    /* -------------------------------------------------------- endpoints */

    function endpointRow(ep) {
        const [id, address, port, iface, flags] = ep;
        const toggle = (flag) => {
            const on = flags.indexOf(flag) >= 0;
            return el("button", { type: "button", "aria-label": `Toggle ${flag} of endpoint ${id}`, "aria-pressed": String(on) },
                      [flag]);
        };
        const del = el("button", { type: "button", class: "danger", "aria-label": `Delete endpoint ${id}` }, ["Delete"]);
        const backup = toggle("backup");
        const fullmesh = toggle("fullmesh");
        del.addEventListener("click", () => change(call("DeleteEndpoint", [id, ""], "us")));
        backup.addEventListener("click", () => change(call("ChangeEndpoint",
            [id, "", 0, [flags.indexOf("backup") >= 0 ? "nobackup" : "backup"]], "usqas")));
        fullmesh.addEventListener("click", () => change(call("ChangeEndpoint",
            [id, "", 0, [flags.indexOf("fullmesh") >= 0 ? "nofullmesh" : "fullmesh"]], "usqas")));
        return el("tr", {}, [
            el("td", { text: String(id) }),
            el("td", { text: address }),
            el("td", { text: port ? String(port) : "" }),
            el("td", { text: iface }),
            el("td", { text: flags.join(" ") }),
            el("td", { class: "actions" }, [backup, fullmesh, del]),
        ]);
    }

    function readEndpoints() {
        return call("ListEndpoints", []).then(([list]) => {
            replaceRows("endpoints", JSON.stringify(list),
                        list.length ? list.map(endpointRow) : [messageRow(6, "No endpoints")]);
        });
    }

    function addEndpoint(event) {
        event.preventDefault();
        const flags = Array.from(document.querySelectorAll("#add-form .flags input:checked")).map(i => i.value);
        const port = Number($("add-port").value || 0);
        const id = Number($("add-id").value || 0);
        change(call("AddEndpoint", [$("add-address").value.trim(), port, $("add-interface").value.trim(), id, flags],
                    "sqsuas"));
    }

    /* ------------------------------------------------ limits and switch */

    function readLimits() {
        return call("GetLimits", []).then(([subflows, addAddr]) => {
            // Never overwrite what the user is typing.
            if (!limitsEdited) {
                $("limit-subflows").value = String(subflows);
                $("limit-add-addr").value = String(addAddr);
            }
        });
    }

    function readEnabled() {
        return service.call(PATH, "org.freedesktop.DBus.Properties", "Get", [IFACE, "Enabled"], { type: "ss" })
                .then(([value]) => {
                    const on = !!plain(value);
                    $("enabled").checked = on;
                    $("enabled").setAttribute("aria-checked", String(on));
                });
    }

    /* ------------------------------------------------ managed interfaces */

    function readManaged() {
        return call("ListManagedInterfaces", []).then(([list]) => {
            const rows = list.map(([iface, flags, options]) => el("tr", {}, [
                el("td", { text: iface }),
                el("td", { text: flags.join(" ") }),
                el("td", { text: options.owner !== undefined ? String(plain(options.owner)) : "" }),
                // `source` comes with newer services; absent, the cell stays empty.
                el("td", { text: options.source !== undefined ? String(plain(options.source)) : "" }),
            ]));
            replaceRows("managed", JSON.stringify(list), rows.length ? rows : [messageRow(4, "No managed interfaces")]);
        });
    }

    /* ------------------------------------------------------ connections */

    function endpointText(info, side) {
        const a = info[side + "-address"], p = info[side + "-port"];
        if (a === undefined)
            return "";
        const address = plain(a);
        const text = address.indexOf(":") >= 0 ? `[${address}]` : address;
        return p === undefined ? text : `${text}:${plain(p)}`;
    }

    function readConnections() {
        return service.call(PATH, CONNECTIONS_IFACE, "ListConnections", [], { type: "" })
                .then(([list]) => {
                    const rows = list.map(([token, info]) => el("tr", {}, [
                        el("td", { text: String(token) }),
                        el("td", { text: endpointText(info, "local") }),
                        el("td", { text: endpointText(info, "remote") }),
                        el("td", { text: info.subflows !== undefined ? String(plain(info.subflows)) : "" }),
                    ]));
                    replaceRows("connections", JSON.stringify(list),
                                rows.length ? rows : [messageRow(4, "No MPTCP connections")]);
                })
                .catch(ex => {
                    // A service without the interface: say so, it is no error of the user's.
                    const missing = ["org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownInterface",
                        "org.freedesktop.DBus.Error.UnknownObject"].indexOf(ex.name) >= 0;
                    const text = missing ? "Live connections are not available: this version of the service has no " +
                                           CONNECTIONS_IFACE + " interface"
                        : "Live connections are not available: " + ex.message;
                    replaceRows("connections", "error:" + text, [messageRow(4, text)]);
                });
    }

    /* --------------------------------------------------------- profiles */

    // Active profiles: settings path -> device names.
    function nmActive() {
        return nm.call(NM_PATH, "org.freedesktop.DBus.Properties", "Get", [NM, "ActiveConnections"], { type: "ss" })
                .then(([value]) => Promise.all(plain(value).map(ac =>
                    nm.call(ac, "org.freedesktop.DBus.Properties", "GetAll",
                            ["org.freedesktop.NetworkManager.Connection.Active"], { type: "s" })
                            .then(([props]) => Promise.all((plain(props.Devices) || []).map(dev =>
                                nm.call(dev, "org.freedesktop.DBus.Properties", "Get",
                                        ["org.freedesktop.NetworkManager.Device", "IpInterface"], { type: "ss" })
                                        .then(([name]) => ({ path: dev, name: plain(name) }))))
                                    .then(devices => ({ connection: plain(props.Connection), devices })))
                            .catch(() => null))))
                .then(list => {
                    const map = {};
                    for (const a of list) {
                        if (a)
                            map[a.connection] = (map[a.connection] || []).concat(a.devices);
                    }
                    return map;
                });
    }

    function storedFlags(settings) {
        const data = settings.user && plain(settings.user.data);
        return data && data[USER_KEY] !== undefined ? data[USER_KEY] : "default";
    }

    // The flag list as the hook reads it, in the contract's order, or an
    // Error saying why the hook would refuse it: nothing is stored then.
    const FLAG_ORDER = ["signal", "subflow", "backup", "fullmesh", "laminar"];
    function canonicalFlags(text) {
        const names = text.split(/[\s,]+/).filter(Boolean);
        if (names.length === 0 || (names.length === 1 && names[0] === "default"))
            return null;
        if (names.length === 1 && names[0] === "none")
            return "none";
        for (const n of names) {
            if (n === "none" || n === "default")
                throw new Error(`"${n}" stands alone: it cannot be combined with flags`);
            if (FLAG_ORDER.indexOf(n) < 0)
                throw new Error(`unknown flag "${n}" (known: ${FLAG_ORDER.join(", ")}, or none, or default)`);
        }
        if (names.indexOf("signal") >= 0 && names.indexOf("fullmesh") >= 0)
            throw new Error("flags signal and fullmesh cannot be combined");
        return FLAG_ORDER.filter(n => names.indexOf(n) >= 0).join(",");
    }

    function setProfileFlags(path, id, text) {
        let wanted;
        try {
            wanted = canonicalFlags(text);
        } catch (ex) {
            showError(ex);
            return Promise.resolve();
        }
        const p = nm.call(path, "org.freedesktop.NetworkManager.Settings.Connection", "GetSettings", [], { type: "" })
                .then(([settings]) => {
                    const user = settings.user || {};
                    const data = Object.assign({}, user.data ? plain(user.data) : {});
                    if (wanted === null)
                        delete data[USER_KEY];
                    else
                        data[USER_KEY] = wanted;
                    user.data = cockpit.variant("a{ss}", data);
                    settings.user = user;
                    // TO_DISK (0x1): saved as the profile's keyfile.
                    return nm.call(path, "org.freedesktop.NetworkManager.Settings.Connection", "Update2",
                                   [settings, 1, {}], { type: "a{sa{sv}}ua{sv}" });
                })
                .then(() => nmActive())
                .then(active => Promise.all((active[path] || []).map(dev =>
                    // Reapply: the same active connection, so the hook runs at once.
                    nm.call(dev.path, "org.freedesktop.NetworkManager.Device", "Reapply", [{}, 0, 0],
                            { type: "a{sa{sv}}tu" }))));
        return change(p);
    }

    function profileRow(path, settings, active) {
        const c = settings.connection || {};
        const id = plain(c.id) || "";
        const flags = storedFlags(settings);
        const input = el("input", { type: "text", value: flags, "aria-label": `MPTCP flags for ${id}`, class: "profile-flags" });
        input.addEventListener("change", () => setProfileFlags(path, id, input.value));
        const devices = (active[path] || []).map(d => d.name).join(" ");
        return el("tr", { "data-flags": flags }, [
            el("td", { text: id }),
            el("td", { text: plain(c.type) || "" }),
            el("td", { text: devices }),
            el("td", {}, [input]),
        ]);
    }

    function readProfiles() {
        return nm.call(NM_PATH + "/Settings", "org.freedesktop.NetworkManager.Settings", "ListConnections", [],
                       { type: "" })
                .then(([paths]) => Promise.all([
                    Promise.all(paths.map(p => nm.call(p, "org.freedesktop.NetworkManager.Settings.Connection",
                                                       "GetSettings", [], { type: "" })
                            .then(([s]) => ({ path: p, settings: s }))
                            .catch(() => null))),
                    nmActive(),
                ]))
                .then(([list, active]) => {
                    list = list.filter(Boolean).sort((a, b) =>
                        String(plain(a.settings.connection.id)).localeCompare(String(plain(b.settings.connection.id))));
                    const key = JSON.stringify([list.map(p => [p.path, plain(p.settings.connection.id),
                        storedFlags(p.settings)]), active]);
                    // Do not rebuild under the user's typing.
                    if (document.activeElement && document.activeElement.classList.contains("profile-flags"))
                        return;
                    replaceRows("profiles", key, list.length
                        ? list.map(p => profileRow(p.path, p.settings, active))
                        : [messageRow(4, "No connection profiles")]);
                })
                .catch(ex => {
                    const text = ex.name === "org.freedesktop.DBus.Error.ServiceUnknown" || ex.problem === "not-found"
                        ? "NetworkManager is not running: no connection profiles to show"
                        : "NetworkManager's profiles cannot be read: " + ex.message;
                    replaceRows("profiles", "error:" + text, [messageRow(4, text)]);
                });
    }

    /* ----------------------------------------------------------- events */

    function eventLine(signal, args) {
        let token = null, info = {}, extra = "";
        if (signal === "ListenerCreated" || signal === "ListenerClosed") {
            info = args[0];
        } else if (signal === "UnknownEvent") {
            extra = ` type ${args[0]}`;
            info = args[1];
        } else if (signal === "EventsLost") {
            extra = ` ${args[0]} lost`;
        } else {
            token = args[0];
            info = args[1];
        }
        const parts = [signal + extra];
        if (token !== null)
            parts.push(`token ${token}`);
        const local = endpointText(info || {}, "local"), remote = endpointText(info || {}, "remote");
        if (local)
            parts.push(local);
        if (remote)
            parts.push("→ " + remote);
        return parts.join(" ");
    }

    function addEvent(signal, args) {
        const list = $("events");
        const time = new Date().toLocaleTimeString();
        // Newest first in the document itself, not only on screen.
        list.insertBefore(el("li", { "data-signal": signal }, [el("time", { text: time }), " " + eventLine(signal, args)]),
                          list.firstChild);
        while (list.children.length > MAX_EVENTS)
            list.removeChild(list.lastChild);
    }

    /* --------------------------------------------------------- the page */

    function refresh() {
        // Asked for while one is in flight (a change's answer or signal,
        // say), it runs again right after: the one in flight may have read
        // the service before that change, and what it shows would undo the
        // change on screen until the next poll; a switch clicked meanwhile
        // would then set the opposite of what the user meant.
        if (refreshing) {
            refreshAgain = true;
            return refreshing;
        }
        // Subscribers are bus names, and every Cockpit page of a session
        // shares the bridge's: another page's Unsubscribe (when it closed)
        // ended this page's subscription too. Subscribing again is harmless.
        call("Subscribe", []).catch(() => {});
        const reads = [readEndpoints(), readLimits(), readEnabled(), readManaged()].map(p => p.catch(ex => {
            $("service-state").textContent = "The MPTCP path manager service cannot be reached: " + ex.message;
            return "failed";
        }));
        refreshing = Promise.all(reads.concat([readConnections(), readProfiles()]))
                .then(results => {
                    if (results.indexOf("failed") < 0)
                        $("service-state").textContent = "";
                    document.body.setAttribute("data-loaded", "true");
                })
                .finally(() => {
                    refreshing = null;
                    if (refreshAgain) {
                        refreshAgain = false;
                        return refresh();
                    }
                });
        return refreshing;
    }

    function init() {
        $("add-form").addEventListener("submit", addEndpoint);
        $("alert-close").addEventListener("click", clearError);
        $("flush").addEventListener("click", () => $("flush-dialog").showModal());
        $("flush-cancel").addEventListener("click", () => $("flush-dialog").close());
        $("flush-confirm").addEventListener("click", () => {
            $("flush-dialog").close();
            change(call("FlushEndpoints", []));
        });
        for (const id of ["limit-subflows", "limit-add-addr"])
            $(id).addEventListener("input", () => { limitsEdited = true });
        $("limits-form").addEventListener("submit", event => {
            event.preventDefault();
            const p = call("SetLimits", [Number($("limit-subflows").value), Number($("limit-add-addr").value)], "uu");
            limitsEdited = false;
            change(p);
        });
        $("enabled").addEventListener("change", () => {
            const on = $("enabled").checked;
            change(service.call(PATH, "org.freedesktop.DBus.Properties", "Set",
                                [IFACE, "Enabled", cockpit.variant("b", on)], { type: "ssv" }));
        });

        // What the service announces: its own changes, and the kernel's events.
        service.subscribe({ path: PATH, interface: IFACE, member: "EndpointsChanged" }, () => refresh());
        service.subscribe({ path: PATH, interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged" },
                          () => refresh());
        service.subscribe({ path: PATH, interface: IFACE }, (path, iface, signal, args) => {
            if (EVENT_SIGNALS.indexOf(signal) >= 0)
                addEvent(signal, args);
        });
        call("Subscribe", []).catch(ex => showError(ex));
        window.addEventListener("pagehide", () => { call("Unsubscribe", []).catch(() => {}) });

        // Nothing announces changes made with ip, sysctl or NetworkManager.
        window.setInterval(() => {
            if (document.visibilityState === "visible" && !cockpit.hidden)
                refresh();
        }, REFRESH_MS);
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "visible")
                refresh();
        });
        refresh();
    }

    document.addEventListener("DOMContentLoaded", init);
}());

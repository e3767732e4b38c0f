"""The two objects a tray host talks to, as data: no connection here.

`/StatusNotifierItem` (org.kde.StatusNotifierItem) carries the icon, status, tooltip and label;
`/MenuBar` (com.canonical.dbusmenu) the menu. `answer(view, msg)` turns one incoming method
call into its reply (or error) and, for a menu click, names the action clicked. Every call gets
a reply, an unknown one UnknownMethod.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from jeepney import DBusAddress, HeaderFields, Message, new_error, new_method_return, new_signal

from standup.tray.icon import pixmaps
from standup.tray.view import IDS, View

ITEM_PATH = "/StatusNotifierItem"
MENU_PATH = "/MenuBar"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
INTROSPECT_IFACE = "org.freedesktop.DBus.Introspectable"
PEER_IFACE = "org.freedesktop.DBus.Peer"
ERR = "org.freedesktop.DBus.Error."
ITEM_ID = "standup"
TITLE = "standup"
LABEL_GUIDE = "88m"  # the widest label, so a host keeps the width steady
ACTION_OF: dict[int, str] = {n: action for action, n in IDS.items()}


class Answer(NamedTuple):
    reply: Message
    clicked: str | None = None  # the menu action clicked, if the call was a click


def item_properties(view: View) -> dict[str, tuple[str, Any]]:
    """Every property of the item, as variants."""
    # The attention icon is the icon itself: a host that shows it while a reminder is up
    # (GNOME's extension) draws the red ring rather than a placeholder.
    icon = list(pixmaps(view.look, view.step))
    return {
        "Category": ("s", "ApplicationStatus"),
        "Id": ("s", ITEM_ID),
        "Title": ("s", TITLE),
        "Status": ("s", view.status),
        "WindowId": ("i", 0),
        "IconName": ("s", ""),
        "IconPixmap": ("a(iiay)", icon),
        "OverlayIconName": ("s", ""),
        "OverlayIconPixmap": ("a(iiay)", []),
        "AttentionIconName": ("s", ""),
        "AttentionIconPixmap": ("a(iiay)", icon),
        "AttentionMovieName": ("s", ""),
        "IconThemePath": ("s", ""),
        "ToolTip": ("(sa(iiay)ss)", ("", [], TITLE, view.tooltip)),
        "ItemIsMenu": ("b", False),
        "Menu": ("o", MENU_PATH),
        "XAyatanaLabel": ("s", view.label),
        "XAyatanaLabelGuide": ("s", LABEL_GUIDE if view.label else ""),
        "XAyatanaOrderingIndex": ("u", 0),
        # What a screen reader says of the icon (GNOME names the item by it; it has no tooltip).
        "IconAccessibleDesc": ("s", view.spoken),
        "AttentionAccessibleDesc": ("s", view.spoken),
    }


def menu_properties(view: View) -> dict[str, tuple[str, Any]]:
    del view  # the same whatever is shown
    return {
        "Version": ("u", 3),
        "TextDirection": ("s", "ltr"),
        "Status": ("s", "normal"),
        "IconThemePath": ("as", []),
    }


def entry_properties(view: View) -> dict[int, dict[str, tuple[str, Any]]]:
    """Each menu entry's properties by id; 0 is the root, holding them all."""
    props: dict[int, dict[str, tuple[str, Any]]] = {0: {"children-display": ("s", "submenu")}}
    for entry in view.menu:
        if entry.separator:
            props[entry.id] = {"type": ("s", "separator")}
        else:
            props[entry.id] = {"label": ("s", entry.label), "enabled": ("b", entry.enabled)}
    return props


def layout(
    view: View, parent: int, depth: int, names: list[str]
) -> tuple[int, dict[str, Any], list[Any]]:
    """GetLayout's tree from `parent` (the menu is one level deep), properties filtered to
    `names` when given."""
    props = entry_properties(view)

    def pick(entry_id: int) -> dict[str, Any]:
        every = props.get(entry_id, {})
        return {k: v for k, v in every.items() if not names or k in names}

    if parent != 0:
        return (parent, pick(parent), [])
    children: list[Any] = (
        [] if depth == 0 else [("(ia{sv}av)", (e.id, pick(e.id), [])) for e in view.menu]
    )
    return (0, pick(0), children)


def item_signal(member: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> Message:
    """One of the item's change signals (NewIcon, NewToolTip, NewStatus, XAyatanaNewLabel)."""
    return new_signal(DBusAddress(ITEM_PATH, interface=ITEM_IFACE), member, signature, body)


def layout_updated(revision: int) -> Message:
    return new_signal(
        DBusAddress(MENU_PATH, interface=MENU_IFACE), "LayoutUpdated", "ui", (revision, 0)
    )


def answer(view: View, revision: int, msg: Message) -> Answer:
    """The reply to one method call on either object."""
    fields = msg.header.fields
    path, iface, member = (
        fields.get(HeaderFields.path, ""),
        fields.get(HeaderFields.interface, ""),
        fields.get(HeaderFields.member, ""),
    )
    if iface == INTROSPECT_IFACE or (not iface and member == "Introspect"):
        return Answer(new_method_return(msg, "s", (introspection(path),)))
    if iface == PEER_IFACE and member == "Ping":
        return Answer(new_method_return(msg))
    if path == ITEM_PATH:
        if iface == PROPS_IFACE:
            return Answer(_properties(msg, member, ITEM_IFACE, item_properties(view)))
        if iface in (ITEM_IFACE, "") and member in _ITEM_METHODS:
            return Answer(new_method_return(msg))  # the menu does the work; clicks change nothing
    if path == MENU_PATH:
        if iface == PROPS_IFACE:
            return Answer(_properties(msg, member, MENU_IFACE, menu_properties(view)))
        if iface in (MENU_IFACE, ""):
            return _menu_call(view, revision, msg, member)
    return Answer(_unknown(msg, member))


_ITEM_METHODS = (
    "Activate",
    "SecondaryActivate",
    "ContextMenu",
    "Scroll",
    "ProvideXdgActivationToken",
)


def _menu_call(view: View, revision: int, msg: Message, member: str) -> Answer:
    body = msg.body
    props = entry_properties(view)
    try:
        if member == "GetLayout":
            parent, depth, names = body
            return Answer(
                new_method_return(
                    msg, "u(ia{sv}av)", (revision, layout(view, parent, depth, names))
                )
            )
        if member == "GetGroupProperties":
            ids, names = body
            chosen = [
                (i, {k: v for k, v in props[i].items() if not names or k in names})
                for i in (ids or props)
                if i in props
            ]
            return Answer(new_method_return(msg, "a(ia{sv})", (chosen,)))
        if member == "GetProperty":
            entry_id, name = body
            if name not in props.get(entry_id, {}):
                return Answer(
                    new_error(msg, ERR + "InvalidArgs", "s", (f"no {name} on {entry_id}",))
                )
            return Answer(new_method_return(msg, "v", (props[entry_id][name],)))
        if member == "Event":
            entry_id, event_id = body[0], body[1]
            return Answer(new_method_return(msg), _clicked(view, entry_id, event_id))
        if member == "EventGroup":
            (events,) = body
            unknown = [e[0] for e in events if e[0] not in props]
            clicked = next((c for e in events if (c := _clicked(view, e[0], e[1]))), None)
            return Answer(new_method_return(msg, "ai", (unknown,)), clicked)
        if member == "AboutToShow":
            return Answer(new_method_return(msg, "b", (False,)))
        if member == "AboutToShowGroup":
            (ids,) = body
            unknown = [i for i in ids if i not in props]
            return Answer(new_method_return(msg, "aiai", ([], unknown)))
    except (ValueError, TypeError, KeyError):
        return Answer(new_error(msg, ERR + "InvalidArgs", "s", (f"bad arguments to {member}",)))
    return Answer(_unknown(msg, member))


def _clicked(view: View, entry_id: int, event_id: str) -> str | None:
    """The action of a click on an entry that is there and enabled; None otherwise."""
    if event_id != "clicked":
        return None
    entry = next((e for e in view.menu if e.id == entry_id), None)
    if entry is None or not entry.enabled:
        return None
    return ACTION_OF.get(entry_id)


def _properties(
    msg: Message, member: str, iface: str, props: dict[str, tuple[str, Any]]
) -> Message:
    body = msg.body
    if member == "GetAll":
        if body and body[0] not in (iface, ""):
            return new_method_return(msg, "a{sv}", ({},))
        return new_method_return(msg, "a{sv}", (props,))
    if member == "Get":
        if len(body) != 2 or body[0] not in (iface, "") or body[1] not in props:
            wanted = body[1] if len(body) == 2 else "?"
            return new_error(msg, ERR + "UnknownProperty", "s", (f"no property {wanted}",))
        return new_method_return(msg, "v", (props[body[1]],))
    if member == "Set":
        return new_error(msg, ERR + "PropertyReadOnly", "s", ("standup's tray is read-only",))
    return _unknown(msg, member)


def _unknown(msg: Message, member: str) -> Message:
    return new_error(msg, ERR + "UnknownMethod", "s", (f"no method {member} here",))


def introspection(path: str) -> str:
    """The introspection XML of `path`: each object, and the root listing both."""
    if path == ITEM_PATH:
        body = _STANDARD + _interface(ITEM_IFACE, _ITEM_PROPS, _ITEM_CALLS, _ITEM_SIGNALS)
    elif path == MENU_PATH:
        body = _STANDARD + _interface(MENU_IFACE, _MENU_PROPS, _MENU_CALLS, _MENU_SIGNALS)
    else:
        body = '<node name="StatusNotifierItem"/><node name="MenuBar"/>'
    return f"{_DOCTYPE}<node>{body}</node>\n"


# Methods and signals as (name, arguments); an argument is "name:type" ("<" in, ">" out).
Members = tuple[tuple[str, str], ...]
_XY = "<x:i <y:i"
_ITEM_PROPS = {
    "Category": "s", "Id": "s", "Title": "s", "Status": "s", "WindowId": "i", "IconName": "s",
    "IconPixmap": "a(iiay)", "OverlayIconName": "s", "OverlayIconPixmap": "a(iiay)",
    "AttentionIconName": "s", "AttentionIconPixmap": "a(iiay)", "AttentionMovieName": "s",
    "IconThemePath": "s", "ToolTip": "(sa(iiay)ss)", "ItemIsMenu": "b", "Menu": "o",
    "XAyatanaLabel": "s", "XAyatanaLabelGuide": "s", "XAyatanaOrderingIndex": "u",
    "IconAccessibleDesc": "s", "AttentionAccessibleDesc": "s",
}  # fmt: skip
_ITEM_CALLS: Members = (
    ("ContextMenu", _XY), ("Activate", _XY), ("SecondaryActivate", _XY),
    ("Scroll", "<delta:i <orientation:s"),
)  # fmt: skip
_ITEM_SIGNALS: Members = (
    ("NewTitle", ""), ("NewIcon", ""), ("NewAttentionIcon", ""), ("NewOverlayIcon", ""),
    ("NewToolTip", ""), ("NewStatus", "status:s"), ("XAyatanaNewLabel", "label:s guide:s"),
)  # fmt: skip
_MENU_PROPS = {"Version": "u", "TextDirection": "s", "Status": "s", "IconThemePath": "as"}
_MENU_CALLS: Members = (
    ("GetLayout", "<parentId:i <recursionDepth:i <propertyNames:as >revision:u >layout:(ia{sv}av)"),
    ("GetGroupProperties", "<ids:ai <propertyNames:as >properties:a(ia{sv})"),
    ("GetProperty", "<id:i <name:s >value:v"),
    ("Event", "<id:i <eventId:s <data:v <timestamp:u"),
    ("EventGroup", "<events:a(isvu) >idErrors:ai"),
    ("AboutToShow", "<id:i >needUpdate:b"),
    ("AboutToShowGroup", "<ids:ai >updatesNeeded:ai >idErrors:ai"),
)
_MENU_SIGNALS: Members = (
    ("ItemsPropertiesUpdated", "updatedProps:a(ia{sv}) removedProps:a(ias)"),
    ("LayoutUpdated", "revision:u parent:i"),
    ("ItemActivationRequested", "id:i timestamp:u"),
)


def _interface(name: str, props: dict[str, str], calls: Members, signals: Members) -> str:
    def args(spec: str) -> str:
        out = []
        for arg in spec.split():
            direction = {"<": ' direction="in"', ">": ' direction="out"'}.get(arg[0], "")
            arg_name, arg_type = arg.lstrip("<>").split(":")
            out.append(f'<arg name="{arg_name}" type="{arg_type}"{direction}/>')
        return "".join(out)

    return (
        f'<interface name="{name}">'
        + "".join(f'<property name="{p}" type="{t}" access="read"/>' for p, t in props.items())
        + "".join(f'<method name="{m}">{args(a)}</method>' for m, a in calls)
        + "".join(f'<signal name="{s}">{args(a)}</signal>' for s, a in signals)
        + "</interface>"
    )


_DOCTYPE = (
    '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
    ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
)
_STANDARD = (
    _interface(INTROSPECT_IFACE, {}, (("Introspect", ">xml:s"),), ())
    + _interface(PEER_IFACE, {}, (("Ping", ""),), ())
    + _interface(
        PROPS_IFACE,
        {},
        (("Get", "<interface:s <name:s >value:v"), ("GetAll", "<interface:s >props:a{sv}")),
        (),
    )
)

"""Labels and explanations of every field, in the product documentation's words.

Declared once: the form builds its labels, tooltips and what's-this texts from here, and
the CLI its option help.
"""

from __future__ import annotations

import dataclasses

from outmail_gui.domain.settings import Protocol


@dataclasses.dataclass(frozen=True, slots=True)
class FieldInfo:
    name: str
    label: str
    help: str
    group: str  # connection | authentication | sending | routing


_SMTP_HELP: dict[str, tuple[str, str, str]] = {
    "name": ("Name", "The name of the email system. This must be unique.", "connection"),
    "protocol": (
        "Protocol",
        "A read-only field displaying the email protocol for this email server account.",
        "connection",
    ),
    "server": ("Server", "The address used to connect to the SMTP server.", "connection"),
    "port": (
        "Port Number",
        "The port number on the mail server to which ASM Core must connect. The standard SMTP "
        "port is 25, which is the default setting.",
        "connection",
    ),
    "login_id": (
        "Login ID",
        "The username required to connect to the mail server. Ensure that this account is set "
        "up on the mail server or ASM Core will not be able to send outgoing mail.",
        "authentication",
    ),
    "password": (
        "Password",
        "The password required to connect to the mail server. It is kept in the operating "
        "system's keyring, never in the settings database.",
        "authentication",
    ),
    "active": (
        "Active",
        "This option must be selected to activate this email account in the system so that it can be used.",
        "connection",
    ),
    "use_ssl": (
        "Use SSL",
        "This option must be selected to specify that any communications sent by this mail "
        "server should be SSL (Secure Socket Layer). It is selected by default. If you are "
        "using Microsoft Exchange 365, this option must be selected.",
        "connection",
    ),
    "pager_encoding": (
        "Pager Encoding",
        "An encoding type for emails sent to pagers from this mail server.",
        "sending",
    ),
    "auth_auto": (
        "Automatically select Authentication Method",
        "Allows ASM Core to select the most secure method of authentication supported by the "
        "server or a less secure method, if the server does not support a particular form of "
        "authentication. Clear it to specify the authentication; if you clear it and do not "
        "select an authentication method, no authentication will be used.",
        "authentication",
    ),
    "auth_methods": (
        "Mailbox Authentication Methods",
        "The authentication method that must be used for this mail server account.",
        "authentication",
    ),
    "send_receipt": (
        "Send Receipt Email",
        "Select this option to send a receipt with any emails sent from this mail server.",
        "sending",
    ),
    "connection_timeout_s": (
        "Connection Timeout (secs)",
        "The time in seconds that the connection can be left idle before it is automatically "
        "timed out. The default is 120.",
        "connection",
    ),
    "chunking": (
        "Enable chunking",
        "Enable data chunking on outgoing email messages to assist in the transmission of "
        "emails with large attachments.",
        "sending",
    ),
    "outgoing_email_id": (
        "Outgoing Email ID",
        "The email address that appears in the From field of any emails sent from this server. "
        "This is the email address that is used when neither Sent From Analyst nor Reply to "
        "Forwarding Analyst is selected on this window.",
        "sending",
    ),
    "is_default": (
        "Default Outgoing Email Server",
        "Use this email server as the outgoing email server if no email server is defined for "
        "a partition from which an email is being sent. Selecting this option overrides the "
        "Default Outgoing Email Server setting configured for another server.",
        "routing",
    ),
    "sent_from_analyst": (
        "Sent From Analyst",
        "Select this option if you want the email address of the Analyst triggering the email "
        "to appear in the From field of any emails sent from this server. If this option is "
        "cleared, the From field displays the email address specified in the Outgoing Email "
        "ID field.",
        "sending",
    ),
    "reply_to_forwarding_analyst": (
        "Reply to Forwarding Analyst",
        "Select this option if you want the email address of the Analyst triggering the "
        "outgoing email to be used if the recipient decides to reply to the email. If this "
        "option is cleared, replies go to the address in the Outgoing Email ID field.",
        "sending",
    ),
    "partition": (
        "Partition",
        "This list appears if Email IDs are partitioned. Assigns a partition to this outgoing "
        "email system: any emails sent from an entity belonging to the partition use this mail "
        "server. You can only select the partitions to which you have access. If you specify "
        "more than one active email server for a partition, ASM Core simply selects one; set "
        "only one active email server per partition.",
        "routing",
    ),
}

_MAPI_OVERRIDES: dict[str, tuple[str, str, str]] = {
    "server": (
        "Server",
        "The address used to connect to the MAPI server. localhost appears as default but can be overwritten.",
        "connection",
    ),
    "port": (
        "Port Number",
        "The port number on the mail server to which ASM Core must connect. The standard MAPI "
        "port is 593, which is the default setting.",
        "connection",
    ),
    "active": (
        "Active",
        "Select this option to activate this email account in the system so that it can be used.",
        "connection",
    ),
    "use_nt_authentication": (
        "Use NT Authentication",
        "Select this option to use NTLM authentication for this outgoing email server account. "
        "If it is not selected, ASM Core tries the most secure authentication method available "
        "on the mail server, and downgrades to less secure methods if secure methods are not "
        "provided.",
        "authentication",
    ),
}


def field_info(protocol: Protocol, name: str) -> FieldInfo:
    table = _SMTP_HELP if protocol is Protocol.SMTP else {**_SMTP_HELP, **_MAPI_OVERRIDES}
    label, text, group = table[name]
    return FieldInfo(name=name, label=label, help=text, group=group)


GROUP_TITLES: dict[str, str] = {
    "connection": "Connection",
    "authentication": "Authentication",
    "sending": "Sending",
    "routing": "Routing",
}

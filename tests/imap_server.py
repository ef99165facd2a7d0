"""A real IMAP server for the tests: Debian's Dovecot, started from its binary with a
throw-away configuration, mailbox and user under a temporary folder.

``start_dovecot`` writes a minimal ``dovecot.conf`` (a passwd-file with one user, maildir
under the folder, 127.0.0.1 on a free port, a self-signed certificate for the TLS tests),
starts ``dovecot -F -c CONF`` and waits for its greeting. As root, mail is owned by the
``dovecot`` system user (Dovecot refuses uid 0 for mail); otherwise by the caller.
Without the binary the IMAP tests are skipped, unless ``HUB_TEST_REQUIRE_IMAP`` is set
(``.ci/run`` sets it), when they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "support@shop.test"
PASSWORD = "mailbox-password"


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    tls_port: int
    username: str
    password: str
    ca_file: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _mail_owner() -> tuple[str, int, int]:
    entry = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    return entry.pw_name, entry.pw_uid, entry.pw_gid


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
            False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def _config(folder: Path, port: int, tls_port: int) -> Path:
    user, uid, gid = _mail_owner()
    mail = folder / "mail"
    mail.mkdir()
    os.chown(mail, uid, gid)
    (folder / "run").mkdir()
    cert_file, key_file = _certificate(folder)
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/%n\n")
    conf = folder / "dovecot.conf"
    conf.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/run
instance_name = hubtest-{port}
default_internal_user = {user}
default_login_user = {user if os.geteuid() != 0 else "dovenull"}
first_valid_uid = {uid}
last_valid_uid = {uid}
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {folder}/dovecot.log
ssl = yes
ssl_cert = <{cert_file}
ssl_key = <{key_file}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {folder}/users
}}
userdb {{
  driver = passwd-file
  args = {folder}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
    )
    return conf


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            if conn.recv(64).startswith(b"* OK"):
                return
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not answer: {log.read_text() if log.exists() else ''}")


@contextlib.contextmanager
def start_dovecot(folder: Path) -> Iterator[ImapServer]:
    folder.chmod(0o755)
    port, tls_port = _free_port(), _free_port()
    conf = _config(folder, port, tls_port)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)])  # noqa: S603
    try:
        _wait_for(port, process, folder / "dovecot.log")
        yield ImapServer("127.0.0.1", port, tls_port, USER, PASSWORD, folder / "cert.pem")
    finally:
        process.terminate()
        process.wait(timeout=10)


def dovecot_present() -> bool:
    return Path(DOVECOT).is_file()

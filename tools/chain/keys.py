"""Signing keys: a hex private key in an environment variable, an encrypted keystore file (Web3
Secret Storage, eth-account), or - for the embedded node - two keys generated per data directory.

Configured chain (``GREENOPS_CHAIN_RPC_URL``): one key, from ``$GREENOPS_CHAIN_PRIVATE_KEY`` or a
keystore whose password is in ``$GREENOPS_CHAIN_KEYSTORE_PASSWORD``; it is both the tokens' admin
and their minter (and the holder whose tokens a retirement burns).

Embedded chain: on first start :func:`embedded_keys` generates an *admin* key (deploys the tokens,
holds DEFAULT_ADMIN_ROLE, receives the minted tokens by default and signs retirements) and a
*minter* key (holds MINTER_ROLE only: mints and anchors), stored as keystores under
``<data dir>/chain/keys/{admin,minter}.json`` (mode 600). Their password is
``$GREENOPS_CHAIN_KEYSTORE_PASSWORD`` when set, else the file ``<data dir>/chain/keystore-password``
(created with a random password, mode 600; refused when group or others may read it). Keys are
decrypted only when a transaction is signed.

Key material stays in memory inside a signer: it is never logged, printed, stored in the ledger or
put in an exception message (messages name the variable or the file, never the value).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.types import TxParams

from tools.chain.client import LocalSigner, Signer, SignerError

DEFAULT_KEY_ENV = "GREENOPS_CHAIN_PRIVATE_KEY"
DEFAULT_PASSWORD_ENV = "GREENOPS_CHAIN_KEYSTORE_PASSWORD"
KEYS_DIR = "keys"
PASSWORD_FILE = "keystore-password"
ROLES = ("admin", "minter")


def signer_from_key_env(env: Mapping[str, str], key_env: str = DEFAULT_KEY_ENV) -> LocalSigner | None:
    """A signer from the hex private key in ``env[key_env]``; None if the variable is unset."""
    raw = (env.get(key_env) or "").strip()
    if not raw:
        return None
    try:
        return LocalSigner(Account.from_key(raw))
    except (ValueError, TypeError) as exc:
        raise SignerError(f"${key_env} does not hold a valid hex private key "
                          f"({type(exc).__name__})") from None


def _read_keyfile(path: Path) -> dict[str, Any]:
    try:
        keyfile = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise SignerError(f"keystore file {path} does not exist") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise SignerError(f"keystore file {path} is not readable JSON ({type(exc).__name__})") from None
    if not isinstance(keyfile, dict) or ("crypto" not in keyfile and "Crypto" not in keyfile):
        raise SignerError(f"keystore file {path} is not a Web3 Secret Storage keystore")
    return keyfile


def _decrypt(path: Path, keyfile: dict[str, Any], password: str, source: str) -> LocalAccount:
    try:
        key = Account.decrypt(keyfile, password)
    except ValueError:
        raise SignerError(f"cannot decrypt keystore {path}: wrong password in {source} "
                          f"(MAC mismatch) or a damaged file") from None
    account: LocalAccount = Account.from_key(key)
    return account


def signer_from_keystore(path: Path, env: Mapping[str, str],
                         password_env: str = DEFAULT_PASSWORD_ENV) -> LocalSigner:
    """A signer from an encrypted keystore JSON file, decrypted with ``env[password_env]``."""
    password = env.get(password_env)
    if password is None:
        raise SignerError(f"keystore {path} needs its password in ${password_env}, which is unset")
    return LocalSigner(_decrypt(path, _read_keyfile(path), password, f"${password_env}"))


def _write_private(path: Path, text: str, *, replace: bool) -> bool:
    """Write ``text`` to ``path`` with mode 600, atomically (temp file, fsync, rename). With
    ``replace=False`` an existing file is kept and False returned (another process won)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)  # whatever the umask
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists: create-only, atomic
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_keystore(path: Path, private_key: bytes, password: str, *, replace: bool = True,
                   kdf_iterations: int | None = None) -> str:
    """Encrypt ``private_key`` with ``password`` into a keystore file (mode 600, written atomically);
    returns its address. With ``replace=False`` an existing file is left alone (SignerError)."""
    keyfile = (Account.encrypt(private_key, password) if kdf_iterations is None
               else Account.encrypt(private_key, password, iterations=kdf_iterations))
    if not _write_private(Path(path), json.dumps(keyfile), replace=replace):
        raise SignerError(f"keystore file {path} already exists")
    return str(Account.from_key(private_key).address)


def configured_signer(env: Mapping[str, str], *, key_env: str = DEFAULT_KEY_ENV,
                      keystore: Path | None = None,
                      password_env: str = DEFAULT_PASSWORD_ENV) -> LocalSigner | None:
    """The configured local signer: the env key first, else the keystore, else None."""
    signer = signer_from_key_env(env, key_env)
    if signer is not None:
        return signer
    if keystore is not None:
        return signer_from_keystore(keystore, env, password_env)
    return None


# -- the embedded node's keys --------------------------------------------------------------------
class KeystoreSigner:
    """A keystore's account: its address is read from the file, the key is decrypted only when
    the first transaction is signed, and kept in memory only."""

    def __init__(self, path: Path, password: str, source: str) -> None:
        self.path = Path(path)
        self._keyfile = _read_keyfile(self.path)
        raw = str(self._keyfile.get("address") or "")
        if not Web3.is_address(raw if raw.startswith("0x") else "0x" + raw):
            raise SignerError(f"keystore file {path} does not name its address")
        self._address = Web3.to_checksum_address(raw if raw.startswith("0x") else "0x" + raw)
        self._password = password
        self._source = source
        self._signer: LocalSigner | None = None

    @property
    def address(self) -> str:
        return self._address

    def unlock(self) -> LocalSigner:
        """Decrypt the key (once); refuses a keystore whose key is not its stated address."""
        if self._signer is None:
            account = _decrypt(self.path, self._keyfile, self._password, self._source)
            if account.address != self._address:
                raise SignerError(f"keystore file {self.path} names {self._address} but holds the key "
                                  f"of another address: the file was altered")
            self._signer = LocalSigner(account)
        return self._signer

    def send(self, w3: Web3, tx: TxParams) -> HexBytes:
        return self.unlock().send(w3, tx)

    def __repr__(self) -> str:  # never the key or the password
        return f"KeystoreSigner({self._address}, {self.path})"


@dataclass(frozen=True)
class ChainKeys:
    """Who signs: ``admin`` deploys (DEFAULT_ADMIN_ROLE), holds the tokens by default and retires;
    ``minter`` mints and anchors (MINTER_ROLE). A configured single key is both."""

    admin: Signer
    minter: Signer

    def addresses(self) -> dict[str, str]:
        return {"admin": self.admin.address, "minter": self.minter.address}


def keystore_password(chain_dir: Path, env: Mapping[str, str], password_env: str = DEFAULT_PASSWORD_ENV,
                      *, create: bool = False) -> tuple[str, str]:
    """The embedded keystores' password and where it came from: ``$password_env`` when set, else
    the password file in ``chain_dir`` (made, with a random password and mode 600, when ``create``
    and it is missing). A password file group or others may read is refused."""
    from_env = env.get(password_env)
    if from_env:
        return from_env, f"${password_env}"
    path = Path(chain_dir) / PASSWORD_FILE
    if not path.exists():
        if not create:
            raise SignerError(
                f"the embedded chain's keystores in {Path(chain_dir) / KEYS_DIR} need a password: "
                f"${password_env} is unset and the password file {path} is missing (restore it or "
                f"set ${password_env})")
        _write_private(path, secrets.token_urlsafe(32) + "\n", replace=False)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SignerError(f"refusing the keystore password file {path}: its mode {mode:04o} lets group "
                          f"or others read it; run `chmod 600 {path}` (or set ${password_env})")
    password = path.read_text().strip()
    if not password:
        raise SignerError(f"the keystore password file {path} is empty")
    return password, f"the password file {path}"


def embedded_keys(chain_dir: Path, env: Mapping[str, str], password_env: str = DEFAULT_PASSWORD_ENV,
                  *, kdf_iterations: int | None = None) -> ChainKeys:
    """The admin and minter keys of the embedded node in ``chain_dir``, generated on first use
    (``keys/admin.json``, ``keys/minter.json``). ``kdf_iterations`` (scrypt n) only for new keys;
    the default is eth-account's."""
    keys_dir = Path(chain_dir) / KEYS_DIR
    paths = {role: keys_dir / f"{role}.json" for role in ROLES}
    missing = [role for role, path in paths.items() if not path.exists()]
    password, source = keystore_password(chain_dir, env, password_env,
                                         create=len(missing) == len(ROLES))
    if missing:
        keys_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(keys_dir, 0o700)
        for role in missing:
            with contextlib.suppress(SignerError):  # another process made it first: use theirs
                write_keystore(paths[role], bytes(Account.create().key), password, replace=False,
                               kdf_iterations=kdf_iterations)
    signers = {role: KeystoreSigner(path, password, source) for role, path in paths.items()}
    if signers["admin"].address == signers["minter"].address:
        raise SignerError(f"the admin and minter keystores in {keys_dir} hold the same address")
    return ChainKeys(admin=signers["admin"], minter=signers["minter"])

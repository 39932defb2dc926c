"""Keys of the embedded chain: two keys per data directory, encrypted at rest, separate roles, no
unlocked account on the node, and no key or password anywhere it could leak."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
from eth_account import Account
from web3 import Web3

from copilot.services import chain as service
from tools.chain import ChainClient, SignerError, TransactionRevertedError
from tools.chain.keys import (
    KEYS_DIR,
    PASSWORD_FILE,
    KeystoreSigner,
    embedded_keys,
    keystore_password,
)

if TYPE_CHECKING:
    from tests.chain_fixtures import Embedded

pytest_plugins = ["tests.chain_fixtures"]
FAST_KDF = 2**10  # scrypt n for keys made by these unit tests (the app uses eth-account's default)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_keys(chain_dir: Path) -> dict[str, str]:
    """The embedded keys as hex (decrypted here only to prove they never leak)."""
    password = (chain_dir / PASSWORD_FILE).read_text().strip()
    return {role: bytes(Account.decrypt(json.loads((chain_dir / KEYS_DIR / f"{role}.json").read_text()),
                                        password)).hex() for role in ("admin", "minter")}


def rpc(url: str, method: str, params: list[object]) -> dict[str, object]:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    return dict(requests.post(url, json=body, timeout=10).json())


class TestKeystorePassword:
    def test_env_wins_and_no_file_is_made(self, tmp_path: Path) -> None:
        password, source = keystore_password(tmp_path, {"PW": "from-env"}, "PW", create=True)
        assert (password, source) == ("from-env", "$PW")
        assert not (tmp_path / PASSWORD_FILE).exists()

    def test_file_is_made_private_and_reused(self, tmp_path: Path) -> None:
        first, source = keystore_password(tmp_path, {}, "PW", create=True)
        path = tmp_path / PASSWORD_FILE
        assert mode(path) == 0o600 and len(first) >= 32 and str(path) in source
        assert keystore_password(tmp_path, {}, "PW")[0] == first

    def test_readable_password_file_is_refused(self, tmp_path: Path) -> None:
        keystore_password(tmp_path, {}, "PW", create=True)
        path = tmp_path / PASSWORD_FILE
        for loose in (0o640, 0o604, 0o644):
            os.chmod(path, loose)
            with pytest.raises(SignerError, match=rf"refusing the keystore password file .*mode {loose:04o}"
                                                  r".*chmod 600") as info:
                keystore_password(tmp_path, {}, "PW")
            assert path.read_text().strip() not in str(info.value)

    def test_missing_password_is_a_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(SignerError, match=r"need a password: \$PW is unset and the password file"):
            keystore_password(tmp_path, {}, "PW")


class TestEmbeddedKeys:
    def test_made_once_encrypted_and_private(self, tmp_path: Path) -> None:
        keys = embedded_keys(tmp_path, {}, "PW", kdf_iterations=FAST_KDF)
        admin, minter = keys.admin, keys.minter
        assert isinstance(admin, KeystoreSigner) and isinstance(minter, KeystoreSigner)
        assert admin.address != minter.address
        assert mode(tmp_path / KEYS_DIR) == 0o700
        for role in ("admin", "minter"):
            assert mode(tmp_path / KEYS_DIR / f"{role}.json") == 0o600
        again = embedded_keys(tmp_path, {}, "PW")
        assert again.addresses() == keys.addresses()  # the same keys, not new ones
        secrets = [*private_keys(tmp_path).values(), (tmp_path / PASSWORD_FILE).read_text().strip()]
        on_disk = "".join(p.read_text() for p in (tmp_path / KEYS_DIR).iterdir())
        shown = repr(admin) + repr(minter) + repr(keys)
        for secret in secrets:
            assert secret not in on_disk and secret not in shown
        assert admin.unlock().address == admin.address  # decrypts only when asked to sign

    def test_wrong_env_password_names_its_source_not_its_value(self, tmp_path: Path) -> None:
        embedded_keys(tmp_path, {}, "PW", kdf_iterations=FAST_KDF)  # encrypted with the file's password
        keys = embedded_keys(tmp_path, {"PW": "not-the-password"}, "PW")
        with pytest.raises(SignerError, match=r"cannot decrypt keystore .*admin.json: wrong password in \$PW"
                           ) as info:
            keys.admin.unlock()
        assert "not-the-password" not in str(info.value)

    def test_half_made_keys_are_completed(self, tmp_path: Path) -> None:
        """A crash between the two keystores: the next start adds the missing one only."""
        keys = embedded_keys(tmp_path, {}, "PW", kdf_iterations=FAST_KDF)
        (tmp_path / KEYS_DIR / "minter.json").unlink()
        again = embedded_keys(tmp_path, {}, "PW", kdf_iterations=FAST_KDF)
        assert again.admin.address == keys.admin.address and again.minter.address != keys.minter.address

    def test_altered_keystore_address_is_refused(self, tmp_path: Path) -> None:
        keys = embedded_keys(tmp_path, {}, "PW", kdf_iterations=FAST_KDF)
        path = tmp_path / KEYS_DIR / "admin.json"
        keyfile = json.loads(path.read_text())
        other = Account.create().address
        keyfile["address"] = other[2:].lower()
        path.write_text(json.dumps(keyfile))
        signer = embedded_keys(tmp_path, {}, "PW").admin
        assert signer.address == other
        with pytest.raises(SignerError, match="holds the key of another address"):
            signer.unlock()  # type: ignore[attr-defined]
        keyfile["address"] = keys.minter.address[2:].lower()
        path.write_text(json.dumps(keyfile))
        with pytest.raises(SignerError, match=r"admin and minter keystores .* hold the same address"):
            embedded_keys(tmp_path, {}, "PW")


class TestEmbeddedChain:
    def test_no_unlocked_account_and_separate_roles(self, embedded: Embedded) -> None:
        up = service.chain_up(embedded.ledger, embedded.settings)
        keys = up["keys"]
        url = up["node"]["url"]
        assert keys["admin"] != keys["minter"]
        node = ChainClient.rpc(url)
        assert node.w3.eth.accounts == []  # nothing unlocked for eth_sendTransaction
        minter = embedded.minter()
        token = minter.chain.contract("kgco2e")
        minter_role = token.functions.MINTER_ROLE().call()
        admin_role = token.functions.DEFAULT_ADMIN_ROLE().call()
        assert token.functions.hasRole(minter_role, keys["minter"]).call()
        assert not token.functions.hasRole(minter_role, keys["admin"]).call()
        assert token.functions.hasRole(admin_role, keys["admin"]).call()
        assert not token.functions.hasRole(admin_role, keys["minter"]).call()
        for dep in minter.chain.deployments().values():
            assert (dep.admin, dep.minter) == (keys["admin"], keys["minter"])
        assert Web3.from_wei(node.w3.eth.get_balance(keys["admin"]), "ether") > 1  # funded via anvil_setBalance

        # a mint through the node's own eth_sendTransaction: from the admin (not unlocked), from
        # the minter (not unlocked either), from anvil's well-known first dev account
        data = token.functions.mint(keys["admin"], 10**18, b"\x07" * 32)._encode_transaction_data()
        dev0 = Account.from_key("0x" + "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").address
        for sender in (keys["admin"], keys["minter"], dev0):
            answer = rpc(url, "eth_sendTransaction", [{"from": sender, "to": token.address, "data": data,
                                                       "gas": hex(200_000)}])
            assert "result" not in answer and "No Signer available" in str(answer["error"]), (sender, answer)
        assert minter.chain.total_supply() == {"kgco2e": 0, "kwh": 0}

        # the admin cannot mint; the minter cannot grant roles (to itself or the admin)
        with pytest.raises(TransactionRevertedError, match="AccessControlUnauthorizedAccount") as info:
            minter.admin.transact(token.functions.mint(keys["admin"], 1, b"\x08" * 32), "admin mints")
        assert info.value.error_args == (keys["admin"], minter_role)
        for role, to in ((minter_role, keys["admin"]), (admin_role, keys["minter"])):
            with pytest.raises(TransactionRevertedError, match="AccessControlUnauthorizedAccount") as info:
                minter.client.transact(token.functions.grantRole(role, to), "minter grants")
            assert info.value.error_args == (keys["minter"], admin_role)
        with pytest.raises(TransactionRevertedError, match="AccessControlUnauthorizedAccount"):
            minter.admin.transact(token.functions.anchor(b"\x09" * 32, 1), "admin anchors")

    def test_keys_never_leak(self, embedded: Embedded, vids: dict[str, list[str]]) -> None:
        """Mint, retire, anchor and reconcile: no key or password in any output, the ledger or
        the node's log."""
        settings, ledger = embedded.settings, embedded.ledger
        outputs = [service.chain_up(ledger, settings)]
        outputs.append(service.mint_verification(ledger, settings, vids["shift"][0], actor="test"))
        outputs.append(service.retire(ledger, settings, "0.000001", "offset", "kgco2e", actor="test"))
        outputs.append(service.anchor_audit(ledger, settings, "ab" * 32, 3, actor="test"))
        outputs += [service.chain_status(ledger, settings), service.reconcile(ledger, settings),
                    service.chain_history(ledger, settings)]
        assert outputs[-2]["ok"], outputs[-2]["differences"]
        chain_dir = embedded.chain_dir
        secrets = [*private_keys(chain_dir).values(), (chain_dir / PASSWORD_FILE).read_text().strip()]
        dump = json.dumps(outputs, default=str) + "\n".join(
            json.dumps(list(ledger.db.query(f"SELECT * FROM [{t}]"))) for t in ledger.db.table_names())
        dump += (chain_dir / "anvil.log").read_text(errors="replace")
        for secret in secrets:
            assert secret.lower() not in dump.lower()

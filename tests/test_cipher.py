"""The encrypted SQLite file of an offline replica (SQLCipher; services/cipher.py): made with a
key from the secure keyring, searched and written as a plain file is, unreadable as bytes,
refused clearly without its key, and backed up and restored encrypted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_crm.services import backup as backups
from desktop_crm.services import cipher
from desktop_crm.services.cipher import CipherError, encrypted_url
from desktop_crm.services.container import Services
from desktop_crm.services.customers import CustomerQuery, CustomerService
from desktop_crm.services.db import KEYRING_SERVICE, Database, describe, safe_url
from desktop_crm.services.users import UserService

NAME = "欧阳锦华科技有限公司"
LATIN = "Quixotic Widgets Ltd"
PHONE = "13812345678"
SECRETS = (NAME.encode(), "欧阳锦华".encode(), LATIN.encode(), b"Quixotic", PHONE.encode(),
           b"12345678")


def files_of(path: Path) -> list[Path]:
    """The database and whatever SQLite keeps beside it (-wal, -shm, -journal)."""
    return sorted(p for p in path.parent.glob(path.name + "*") if p.is_file())


def assert_unreadable(path: Path) -> None:
    files = files_of(path)
    assert files
    for f in files:
        data = f.read_bytes()
        for secret in SECRETS:
            assert secret not in data, f"{secret!r} readable in {f.name}"
        assert not data.startswith(b"SQLite format 3")


def search(svc: CustomerService, query: str) -> list[str]:
    return sorted(r.name for r in svc.page(CustomerQuery(text=query), limit=50).rows)


@pytest.fixture
def replica(tmp_path, memory_keyring) -> Path:
    """An encrypted database at the newest schema with three customers; closed."""
    path = tmp_path / "replica" / "crm-replica.sqlite3"
    cipher.new_key(path)
    db = Database(encrypted_url(path))
    db.upgrade()
    svc = CustomerService(db, UserService(db).ensure_local_user().id)
    svc.create({"name": NAME, "phone": PHONE, "email": "ouyang@example.com"})
    svc.create({"name": LATIN, "phone": "13900001111"})
    svc.create({"name": "张三", "phone": "010-65529988"})
    db.dispose()
    return path


def test_url_and_key(tmp_path, memory_keyring):
    path = tmp_path / "sub" / ".." / "r.sqlite3"
    url = encrypted_url(path)
    assert url == f"sqlite+pysqlcipher:///{(tmp_path / 'r.sqlite3').resolve()}"
    assert cipher.is_encrypted_url(url)
    assert not cipher.is_encrypted_url(f"sqlite:///{path}")
    assert not cipher.is_encrypted_url("postgresql+psycopg://u@h/db")
    assert not cipher.is_encrypted_url(None)

    assert cipher.key_for(path) is None
    key = cipher.new_key(path)
    assert len(key) == 64 and int(key, 16) >= 0  # 256 random bits, hex
    # one entry, under the resolved path: the same file by any spelling finds it
    assert memory_keyring.secrets == {
        (KEYRING_SERVICE, f"replica-key:{(tmp_path / 'r.sqlite3').resolve()}"): key}
    assert cipher.key_for(tmp_path / "r.sqlite3") == key
    assert cipher.new_key(path) != key  # a new file, a new key
    cipher.forget_key(path)
    assert cipher.key_for(path) is None and memory_keyring.secrets == {}


def test_encrypted_database_works_and_its_bytes_are_unreadable(replica, memory_keyring):
    url = encrypted_url(replica)
    db = Database(url)
    try:
        assert db.is_sqlite and db.is_encrypted and db.dialect == "sqlite"
        assert db.current_revision() == db.head_revision()  # alembic ran on it
        svc = CustomerService(db, UserService(db).ensure_local_user().id)
        assert search(svc, "锦华科技") == [NAME]        # the FTS5 trigram index
        assert search(svc, "欧阳") == [NAME]            # two characters: crm_short_tokens
        assert search(svc, "张") == ["张三"]            # one character: crm_short_tokens
        assert search(svc, "oyjh") == [NAME]            # pinyin initials
        assert search(svc, "ouyang") == [NAME]          # pinyin
        assert search(svc, "1234 5678") == [NAME]       # a phone fragment
        assert search(svc, "6552") == ["张三"]
        assert search(svc, "quixotic") == [LATIN]
        # an edit goes through the triggers (crm_short_tokens) as on a plain file
        zs = svc.page(CustomerQuery(text="张三"), limit=5).rows[0]
        svc.update(zs.id, {"name": "赵六"}, svc.get(zs.id).version)
        assert search(svc, "张") == [] and search(svc, "赵六") == ["赵六"]
        with db.read() as s:  # the pragmas of every connection, after the key
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.execute(text("PRAGMA cipher_version")).scalar()
        # while open (the write-ahead log holds the last writes), nothing readable either
        assert any(p.name.endswith("-wal") for p in files_of(replica))
        assert_unreadable(replica)
    finally:
        db.dispose()
    assert_unreadable(replica)


def test_services_open_an_encrypted_database(replica, memory_keyring):
    services = Services.open(encrypted_url(replica))
    try:
        assert services.db.describe() == f"SQLite (encrypted): {replica.resolve()}"
        assert [r.name for r in services.customers.page(CustomerQuery(text="oyjh"),
                                                        limit=5).rows] == [NAME]
    finally:
        services.close()


def test_the_key_is_never_in_a_url_shown(replica, memory_keyring):
    key = cipher.key_for(replica)
    db = Database(encrypted_url(replica))
    try:
        shown = [db.url, db.describe(), safe_url(db.url), describe(db.url), str(db.engine.url),
                 repr(db.engine.url), safe_url(db.engine.url), repr(db.engine)]
        for s in shown:
            assert key not in s, s
        assert db.cipher_key and key in db.cipher_key  # the driver's URL only
    finally:
        db.dispose()
    # a key given as the password argument goes to the driver only too
    other = Database(encrypted_url(replica), password=key)
    try:
        assert key not in other.url
        with other.read() as s:
            assert s.execute(text("SELECT count(*) FROM customers")).scalar() == 3
    finally:
        other.dispose()
    with pytest.raises(ValueError, match="never part of its URL"):
        Database(f"sqlite+pysqlcipher://:{key}@/{replica}")


def test_without_the_key_or_with_another_one(replica, memory_keyring):
    before = {p.name: p.read_bytes() for p in files_of(replica)}
    key = cipher.key_for(replica)

    cipher.forget_key(replica)  # the file copied to another computer
    with pytest.raises(CipherError) as e:
        Database(encrypted_url(replica))
    assert e.value.code == "no_key" and e.value.path == str(replica.resolve())
    assert str(replica.resolve()) in str(e.value) and "no key" in str(e.value)

    memory_keyring.set_password(KEYRING_SERVICE, f"replica-key:{replica.resolve()}", "ab" * 32)
    db = Database(encrypted_url(replica))  # another key: said on the first connection
    try:
        with pytest.raises(CipherError) as e:
            with db.read() as s:
                s.execute(text("SELECT count(*) FROM customers"))
        assert e.value.code == "wrong_key" and "does not open" in str(e.value)
        assert str(replica.resolve()) in str(e.value)
        with pytest.raises(CipherError):  # the same the next time, not a half-open engine
            db.ping()
    finally:
        db.dispose()
    with pytest.raises(CipherError) as e:  # what the app and the CLI get from Services.open
        Services.open(encrypted_url(replica))
    assert e.value.code == "wrong_key"
    with pytest.raises(CipherError) as e:  # a passphrase instead of the key
        Database(encrypted_url(replica), password="not the key").ping()
    assert e.value.code == "wrong_key"

    assert {p.name: p.read_bytes() for p in files_of(replica)} == before  # untouched

    cipher.forget_key(replica)
    memory_keyring.set_password(KEYRING_SERVICE, f"replica-key:{replica.resolve()}", key)
    db = Database(encrypted_url(replica))
    db.ping()
    db.dispose()


def test_a_plain_file_opened_as_encrypted(sqlite_url, memory_keyring):
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    cipher.new_key(path)
    db = Database(encrypted_url(path))
    try:
        with pytest.raises(CipherError) as e:
            db.ping()
        assert e.value.code == "not_encrypted"
    finally:
        db.dispose()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_no_secure_keyring_no_key_and_nothing_written(tmp_path, no_keyring):
    import keyring

    path = tmp_path / "r.sqlite3"
    with pytest.raises(CipherError) as e:
        cipher.new_key(path)
    assert e.value.code == "no_keyring" and "secure keyring" in str(e.value)
    assert cipher.key_for(path) is None
    assert keyring.get_keyring().get_password(KEYRING_SERVICE, f"replica-key:{path}") is None
    with pytest.raises(CipherError) as e:
        Database(encrypted_url(path))
    assert e.value.code == "no_keyring"
    assert not path.exists()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    for p in written:  # the plain-text keyring's file, if any: no key of ours in it
        assert "replica-key" not in p.read_text(errors="replace")


def test_backup_of_an_encrypted_database_is_encrypted(replica, memory_keyring, tmp_path):
    key = cipher.key_for(replica)
    db = Database(encrypted_url(replica))
    dest = tmp_path / "backups" / "replica-backup.sqlite3"
    try:
        with db.read() as s:  # open, in WAL mode, while it is copied
            s.execute(text("SELECT 1")).all()
        steps = []
        info = backups.backup(db, dest, progress=lambda *a: steps.append(a))
        assert steps
    finally:
        db.dispose()
    assert info.encrypted and info.customers == 3
    assert files_of(dest) == [dest]  # one file, no -wal beside it
    assert_unreadable(dest)

    # a URL finds the key in the keyring
    dest2 = tmp_path / "backups" / "by-url.sqlite3"
    assert backups.backup(encrypted_url(replica), dest2).customers == 3
    assert_unreadable(dest2)

    # checking it needs the key: the database's (the keyring has none for the backup itself)
    with pytest.raises(backups.BackupError) as e:
        backups.check_backup(dest)
    assert e.value.code == "not_sqlite"
    with pytest.raises(backups.BackupError) as e:
        backups.check_backup(dest, key="cd" * 32)
    assert e.value.code == "wrong_key"
    checked = backups.check_backup(dest, key=key)
    assert (checked.customers, checked.encrypted, checked.older) == (3, True, False)
    assert backups.check_backup(dest, key=backups.database_key(encrypted_url(replica))) \
        .customers == 3

    # the backup opens as a database of its own with the key
    other = Database(encrypted_url(dest), password=key)
    try:
        svc = CustomerService(other, UserService(other).ensure_local_user().id)
        assert search(svc, "oyjh") == [NAME]
    finally:
        other.dispose()


def test_restore_an_encrypted_backup(replica, memory_keyring, tmp_path):
    dest = tmp_path / "b.sqlite3"
    backups.backup(encrypted_url(replica), dest)
    db = Database(encrypted_url(replica))
    svc = CustomerService(db, UserService(db).ensure_local_user().id)
    svc.create({"name": "后来的客户"})
    assert len(svc.page(CustomerQuery(), limit=50).rows) == 4

    result = backups.restore(dest, db)  # the Database is disposed first
    assert result.kept and result.info.encrypted and result.upgraded_from is None
    assert_unreadable(replica)
    assert_unreadable(Path(result.kept))
    db = Database(encrypted_url(replica))
    try:
        svc = CustomerService(db, UserService(db).ensure_local_user().id)
        assert sorted(r.name for r in svc.page(CustomerQuery(), limit=50).rows) == \
            sorted([NAME, LATIN, "张三"])
        assert search(svc, "欧阳") == [NAME]
    finally:
        db.dispose()

    # a backup with another key is refused, the database untouched
    cipher.new_key(tmp_path / "other.sqlite3")
    other_key = cipher.key_for(tmp_path / "other.sqlite3")
    before = replica.read_bytes()
    with pytest.raises(backups.BackupError) as e:
        backups.restore(dest, encrypted_url(replica), key=other_key)
    assert e.value.code == "wrong_key"
    assert replica.read_bytes() == before


def test_restore_a_plain_backup_into_an_encrypted_database(replica, sqlite_url, memory_keyring,
                                                            tmp_path):
    plain = Services.open(sqlite_url)
    plain.customers.create({"name": NAME, "phone": PHONE})
    plain.close()
    dest = tmp_path / "plain-backup.sqlite3"
    info = backups.backup(sqlite_url, dest)
    assert not info.encrypted and NAME.encode() in dest.read_bytes()

    result = backups.restore(dest, encrypted_url(replica))
    assert result.kept
    assert_unreadable(replica)  # encrypted on the way in
    db = Database(encrypted_url(replica))
    try:
        svc = CustomerService(db, UserService(db).ensure_local_user().id)
        assert search(svc, "oyjh") == [NAME]
        assert search(svc, "欧阳") == [NAME]
    finally:
        db.dispose()


def test_the_errors_in_words(replica, memory_keyring):
    from desktop_crm.cli_errors import error_text
    from desktop_crm.views.labels import cipher_text

    cipher.forget_key(replica)
    with pytest.raises(CipherError) as e:
        Database(encrypted_url(replica))
    for said in (error_text(e.value), cipher_text(e.value)):
        assert str(replica.resolve()) in said and "no key" in said
    wrong = backups.BackupError("wrong_key", "x", "/tmp/b.sqlite3")
    assert "encrypted with a key other" in error_text(wrong)


def test_an_older_encrypted_backup_is_upgraded_when_restored(replica, memory_keyring, tmp_path):
    from alembic import command

    key = cipher.key_for(replica)
    old_path = tmp_path / "old.sqlite3"
    old = Database(encrypted_url(old_path), password=key)  # a backup made by an older version
    command.upgrade(old.alembic_config(), "0012")
    old.dispose()
    info = backups.check_backup(old_path, key=key)
    assert info.revision == "0012" and info.older and info.encrypted
    result = backups.restore(old_path, encrypted_url(replica))
    assert result.upgraded_from == "0012"
    assert not [p for p in files_of(replica) if p.name.endswith(("-wal", "-journal"))]
    assert not replica.read_bytes().startswith(b"SQLite format 3")
    db = Database(encrypted_url(replica))
    try:
        assert db.current_revision() == db.head_revision()
    finally:
        db.dispose()
    assert backups.check_backup(old_path, key=key).revision == "0012"  # left as it was

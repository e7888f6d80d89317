"""Staff accounts in the app, the shared-PC sign-in, and what a role's window offers."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox

from desktop_crm.services import staff as staffmod
from desktop_crm.services.container import Services
from desktop_crm.services.staff import StaffService
from desktop_crm.views.customer_dialog import CustomerDialog
from desktop_crm.views.sign_in_dialog import SignInDialog
from desktop_crm.views.staff_dialog import MemberDialog, StaffDialog


def test_an_admin_adds_edits_disables_and_resets_in_the_staff_dialog(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    try:
        dlg = StaffDialog(svc)
        qtbot.addWidget(dlg)
        add = dlg.add()
        assert isinstance(add, MemberDialog)
        add.username.setText("Bad Name")
        assert add.save() is False and "lower-case" in add.message.text()
        add.username.setText("anna")
        add.display_name.setText("安娜")
        add.role.setCurrentIndex(add.role.findData("sales"))
        add.team.setEditText("EAST")
        add.rights["export"].setChecked(True)
        add.password.setText("Anna-Passw0rd")
        assert add.save() is True
        anna = next(m for m in dlg.members if m.username == "anna")
        assert (anna.display_name, anna.role, anna.team, anna.permissions) == \
            ("安娜", "sales", "EAST", ("export",))
        assert "anna" in dlg.message.text()
        row = [m.username for m in dlg.members].index("anna")
        dlg.table.selectRow(row)
        edit = dlg.edit()
        edit.role.setCurrentIndex(edit.role.findData("manager"))
        assert edit.save() is True
        assert svc.users.by_name("anna").role == "manager"
        dlg.table.selectRow([m.username for m in dlg.members].index("anna"))
        dlg.toggle()
        assert not svc.users.get(anna.id).active and "no longer" in dlg.message.text()
        dlg.table.selectRow([m.username for m in dlg.members].index("anna"))
        box = dlg.reset_password()
        assert isinstance(box, QMessageBox) and "not shown again" in box.text()
        # an admin cannot lock themselves out
        dlg.table.selectRow([m.username for m in dlg.members].index(svc.user.username))
        dlg.toggle()
        assert svc.users.get(svc.user.id).active and "own account" in dlg.message.text()
    finally:
        svc.close()


def test_several_people_on_one_pc_sign_in(qtbot, sqlite_url):
    svc = Services.open(sqlite_url)
    try:
        assert not staffmod.needs_sign_in(svc.db)
        StaffService(svc.db, svc.user).add("anna", "安娜", "sales", "", "Anna-Passw0rd")
        assert staffmod.needs_sign_in(svc.db)
        dlg = SignInDialog(svc)
        qtbot.addWidget(dlg)
        dlg.who.setCurrentIndex(dlg.who.findData("anna"))
        dlg.password.setText("wrong")
        assert dlg.try_sign_in() is False and dlg.message.isVisibleTo(dlg)
        dlg.password.setText("Anna-Passw0rd")
        assert dlg.try_sign_in() is True
        assert dlg.result() == QDialog.DialogCode.Accepted and dlg.user.username == "anna"
    finally:
        svc.close()


def test_a_salesperson_gets_no_staff_menu_no_export_and_masked_fields(qtbot, sqlite_url,
                                                                        message_boxes):
    from desktop_crm.views.main_window import MainWindow

    admin = Services.open(sqlite_url)
    try:
        anna = StaffService(admin.db, admin.user).add("anna", "安娜", "sales")[0]
        pool = admin.customers.create({"name": "公海客户", "phone": "13800000003",
                                       "owner_id": None})
        sales = admin.as_user(admin.users.get(anna.id))
        w = MainWindow(sales)
        qtbot.addWidget(w)
        names = {a.objectName() for a in w.findChildren(type(w.menuBar().actions()[0]))}
        assert "staff" not in names
        assert w.open_export("customers") is None
        assert message_boxes[-1][0] == "information" and "export" in message_boxes[-1][1]
        admin_window = MainWindow(admin)
        qtbot.addWidget(admin_window)
        assert "staff" in {a.objectName() for a in
                           admin_window.findChildren(type(w.menuBar().actions()[0]))}
        record = sales.customers.get(pool.id)
        dlg = CustomerDialog(lambda v: sales.customers.update(pool.id, v, record.version),
                             record=record)
        qtbot.addWidget(dlg)
        phone = dlg.edits["phone"]
        assert isinstance(phone, QLineEdit) and phone.isReadOnly() and "****" in phone.text()
        dlg.edits["notes"].setPlainText("回访过")
        assert dlg.try_save() is True  # the masked phone went back untouched
        assert admin.customers.get(pool.id).phone.endswith("13800000003")
    finally:
        admin.close()

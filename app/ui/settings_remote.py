"""The remote backend part of Settings → Models: its widgets and its error texts.

The texts keep the ``SettingsDialog`` translation context, where they were first
translated, so moving them here changed no translation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

if TYPE_CHECKING:
    from app.ui.settings_dialog import SettingsDialog


def build_remote(dialog: "SettingsDialog", parent: QWidget) -> None:
    """The backend choice and the OpenAI-compatible server's address, model and key,
    as attributes of the dialog (its texts are set by ``SettingsDialog._retranslate``)."""
    r = dialog.assistant.settings.remote
    dialog.backend_label = QLabel(parent)
    dialog.backend_combo = QComboBox(parent)
    dialog.backend_combo.setObjectName("backendCombo")
    dialog.backend_combo.addItem("", "local")
    dialog.backend_combo.addItem("", "remote")
    dialog.backend_combo.setCurrentIndex(max(0, dialog.backend_combo.findData(dialog.assistant.settings.backend)))
    dialog.backend_combo.currentIndexChanged.connect(lambda _: dialog._show_backend())
    dialog.backend_form = QFormLayout()
    dialog.backend_form.addRow(dialog.backend_label, dialog.backend_combo)

    dialog.remote_box = QWidget(parent)
    dialog.remote_box.setObjectName("remoteBackend")
    dialog.remote_url = QLineEdit(r.base_url, dialog.remote_box)
    dialog.remote_url.setObjectName("remoteUrl")
    dialog.remote_model = QComboBox(dialog.remote_box)
    dialog.remote_model.setObjectName("remoteModel")
    dialog.remote_model.setEditable(True)  # a model the list does not show can be typed
    dialog.remote_model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    if r.model:
        dialog.remote_model.addItem(r.model)
    dialog.remote_model.setCurrentText(r.model)
    dialog.remote_connect = QPushButton(dialog.remote_box)
    dialog.remote_connect.setObjectName("remoteConnect")
    dialog.remote_connect.clicked.connect(dialog.check_remote)
    model_row = QHBoxLayout()
    model_row.addWidget(dialog.remote_model, 1)
    model_row.addWidget(dialog.remote_connect)
    dialog.remote_key = QLineEdit(dialog.remote_box)
    dialog.remote_key.setObjectName("remoteKey")
    dialog.remote_key.setEchoMode(QLineEdit.EchoMode.Password)
    dialog.remote_forget_key = QPushButton(dialog.remote_box)
    dialog.remote_forget_key.setObjectName("remoteForgetKey")
    dialog.remote_forget_key.clicked.connect(dialog.forget_remote_key)
    key_row = QHBoxLayout()
    key_row.addWidget(dialog.remote_key, 1)
    key_row.addWidget(dialog.remote_forget_key)
    dialog.remote_vision = QCheckBox(dialog.remote_box)
    dialog.remote_vision.setObjectName("remoteVision")
    dialog.remote_vision.setChecked(r.vision)
    dialog.remote_status = QLabel(dialog.remote_box)
    dialog.remote_status.setObjectName("remoteStatus")
    dialog.remote_status.setWordWrap(True)
    dialog.remote_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    dialog._remote_labels = [QLabel(dialog.remote_box) for _ in range(3)]
    form = QFormLayout(dialog.remote_box)
    form.setContentsMargins(0, 0, 0, 0)
    form.addRow(dialog._remote_labels[0], dialog.remote_url)
    form.addRow(dialog._remote_labels[1], model_row)
    form.addRow(dialog._remote_labels[2], key_row)
    form.addRow("", dialog.remote_vision)
    form.addRow(dialog.remote_status)
    dialog._key_forgotten = False
    dialog._check_worker: FunctionWorker | None = None


def remote_error_text(exc: BaseException, url: str) -> str:
    """A translated sentence for a remote backend error (by its code), else its English text."""
    code = getattr(exc, "code", "")
    params: dict[str, object] = getattr(exc, "params", {}) or {}
    texts = {
        "backend_refused": QCoreApplication.translate("SettingsDialog", "Nothing is listening at %1. Start the server, or check the address and port."),
        "backend_unknown_host": QCoreApplication.translate("SettingsDialog", "The server name “%2” does not resolve. Check the address."),
        "backend_unreachable": QCoreApplication.translate("SettingsDialog", "Could not connect to %1."),
        "backend_auth": QCoreApplication.translate("SettingsDialog", "The server refused access (%2). Check the API key."),
        "backend_timeout": QCoreApplication.translate("SettingsDialog", "The server at %1 did not answer in time."),
        "backend_protocol": QCoreApplication.translate("SettingsDialog", "The server at %1 does not answer like an OpenAI-compatible API."),
        "backend_not_found": QCoreApplication.translate("SettingsDialog", "%1 is not the address of an OpenAI-compatible API (it usually ends in /v1)."),
        "backend_model_not_found": QCoreApplication.translate("SettingsDialog", "The server has no model “%2”."),
        "backend_no_models": QCoreApplication.translate("SettingsDialog", "The server at %1 offers no models."),
        "backend_server_error": QCoreApplication.translate("SettingsDialog", "The server at %1 failed with an internal error (%2)."),
        "backend_bad_url": QCoreApplication.translate("SettingsDialog", "“%1” is not a usable server address."),
        "backend_busy": QCoreApplication.translate("SettingsDialog", "The server at %1 is busy. Try again shortly."),
        "backend_dropped": QCoreApplication.translate("SettingsDialog", "The server at %1 closed the connection."),
    }
    second = {"backend_unknown_host": "host", "backend_auth": "status", "backend_model_not_found": "model",
              "backend_server_error": "status"}.get(code, "")
    template = texts.get(code)
    if template is None:
        return str(exc)
    return template.replace("%1", url).replace("%2", str(params.get(second, "")))

"""Settings pages that live in their own modules (see app.ui.settings_dialog.PAGES)."""

"""Shop policy: the settings admins edit on /admin/settings, stored in the database."""

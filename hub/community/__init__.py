"""Product questions and answers, the photo gallery, contributor profiles and photo share links.
Imports reviews, photos, advocacy, widget, mail, staff, catalog and the base; intake imports it."""

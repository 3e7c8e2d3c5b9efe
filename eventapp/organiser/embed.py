"""The agenda widget's settings: which websites may show it, and the snippet to copy."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from ..extensions import db
from ..services.agenda import embedding
from ..services.errors import DomainError
from .access import event_access
from .views import bp


class EmbedForm(FlaskForm):
    origins = TextAreaField(_l("Websites allowed to show the agenda"), validators=[Length(max=4000)],
                            description=_l("One address per line, scheme and host only, e.g. https://www.iom.int. "
                                           "Leave empty to allow no website."))


@bp.route("/events/<int:event_id>/embed", methods=["GET", "POST"])
@event_access
def embed_settings(event):
    """Choose the websites that may frame the agenda widget and copy its snippet."""
    form = EmbedForm(data={"origins": "\n".join(embedding.allowed_origins(event))})
    if form.validate_on_submit():
        try:
            changed = embedding.save_origins(event, form.origins.data, current_user)
        except DomainError as exc:
            form.origins.errors = [*form.origins.errors, str(exc)]
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Websites saved.") if changed else _("Nothing to save: no field changed."), "success")
            return redirect(url_for(".embed_settings", event_id=event.id))
    return render_template("organiser/embed.html", event=event, form=form, snippet=embedding.snippet(event))

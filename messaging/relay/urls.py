from django.urls import path

from messaging.relay.views import mailgun_inbound

app_name = "inbound_email"


# Mailgun posts the raw MIME ("body-mime") when the forward URL ends in "mime".
urlpatterns = [
    path("mailgun/", mailgun_inbound, name="mailgun"),
    path("mailgun_mime/", mailgun_inbound, name="mailgun-mime"),
]

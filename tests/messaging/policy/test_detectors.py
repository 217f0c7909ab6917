import pytest

from messaging.policy import check

from .cases import ALLOWED, BLOCKED


def _found(text: str, **kwargs) -> list[tuple[str, str]]:
    verdict = check(text, **kwargs)
    return [(finding.category, text[finding.start : finding.end]) for finding in verdict.findings]


@pytest.mark.parametrize(("text", "categories"), BLOCKED)
def test_adversarial_message_is_blocked_with_its_categories(text, categories):
    verdict = check(text)

    assert verdict.is_blocked is True
    assert categories <= set(verdict.categories)


@pytest.mark.parametrize("text", ALLOWED)
def test_hard_negative_message_is_allowed(text):
    verdict = check(text)

    assert verdict.to_dict() == {"verdict": "allow", "categories": [], "findings": []}


def test_email_finding_spans_the_address_in_the_original_text():
    assert _found("Mail me: ana.b@gmail.com thanks") == [("email", "ana.b@gmail.com")]


def test_disguised_email_span_covers_the_disguise():
    assert _found("it's ana AT gmail DOT com ok") == [("email", "ana AT gmail DOT com")]


def test_disguised_email_reason_says_how_it_was_disguised():
    verdict = check("ｉｒｅｎｅ＠ｇｍａｉｌ．ｃｏｍ")

    assert verdict.findings[0].reason == (
        "Email address, disguised with look-alike or full-width characters"
    )


def test_phone_finding_spans_the_number():
    assert _found("Call 512 555 0193 today") == [("phone", "512 555 0193")]


def test_phone_in_number_words_spans_the_words():
    assert _found("call seven two zero 555 0119 now") == [
        ("phone", "seven two zero 555 0119"),
    ]


def test_order_id_is_not_a_phone_number():
    assert _found("Order 407-5059705-7441019 is late") == []


def test_ten_digit_dhl_tracking_number_is_not_a_phone_number():
    assert _found("DHL 2503766536 está en reparto") == []


def test_zip_plus_four_is_not_a_phone_number():
    assert _found("ZIP is 94105-1234, not 94103") == []


def test_date_with_time_is_not_a_phone_number():
    assert _found("Delivered 2025-06-02 08:14") == []


def test_price_is_not_a_phone_number():
    assert _found("It cost $1234567 in total") == []


def test_carrier_public_number_is_a_phone_number():
    assert _found("Call UPS at 1-800-742-5877") == [("phone", "1-800-742-5877")]


def test_own_domain_link_is_allowed():
    assert _found("See marketplace.com/orders/407-4085303-4387512.") == []


def test_own_subdomain_link_is_allowed():
    assert _found("Go to https://help.marketplace.com/returns") == []


def test_own_domain_as_userinfo_is_an_external_link():
    assert _found("https://marketplace.com@evil.net/x") == [
        ("url", "https://marketplace.com@evil.net/x"),
    ]


def test_own_domain_as_subdomain_of_another_host_is_an_external_link():
    assert _found("marketplace.com.evil.net/claim") == [("url", "marketplace.com.evil.net/claim")]


def test_configured_own_domain_is_allowed():
    assert _found("Visit tienda.example.es/ayuda", own_domains=("example.es",)) == []


def test_messaging_link_is_a_url_and_a_messaging_app_and_a_phone():
    assert sorted(_found("https://wa.me/14085550178")) == [
        ("messaging_app", "https://wa.me/14085550178"),
        ("phone", "14085550178"),
        ("url", "https://wa.me/14085550178"),
    ]


def test_file_name_with_extension_is_not_a_link():
    assert check("All photos", filenames=["photos.zip", "manual.pdf"]).is_blocked is False


def test_file_name_with_a_phone_number_is_blocked_with_its_source():
    verdict = check("See attached", filenames=["invoice.pdf", "call-me-555-0192.pdf"])

    assert [(f.category, f.source, f.start, f.end) for f in verdict.findings] == [
        ("phone", "filename:1", 8, 16),
    ]


def test_file_name_with_a_domain_is_a_link():
    verdict = check("Our catalog", filenames=["mapleandmoss.com_catalog.pdf"])

    assert verdict.categories == ("url",)


def test_echo_dot_is_not_a_link():
    assert _found("The Echo Dot. It stopped") == []


def test_negated_messaging_app_is_allowed():
    assert _found("I don't use WhatsApp, reply here") == []


def test_messaging_app_as_product_feature_is_allowed():
    assert _found("Is it compatible with WhatsApp calls?") == []


def test_messaging_app_with_handle_is_a_messaging_app_username():
    assert _found("Let's chat on Telegram — @tidewater_club.") == [
        ("messaging_app", "Telegram"),
        ("messaging_app", "@tidewater_club"),
    ]


def test_social_handle_alone_is_blocked():
    assert _found("Ping me @boltnbrass") == [("social_handle", "@boltnbrass")]


def test_buyer_asking_to_stop_review_requests_is_allowed():
    assert _found("Please stop sending me review requests.") == []


def test_buyer_asking_how_to_turn_off_messages_is_allowed():
    assert _found("How can I turn off these messages?") == []


def test_seller_telling_buyer_to_reply_stop_is_opt_out():
    assert _found("Reply 'STOP' and we'll stop") == [("opt_out", "Reply 'STOP")]


def test_neutral_honest_review_request_is_allowed():
    assert _found("When you have a moment, an honest review helps us.") == []


def test_review_with_incentive_is_review_manipulation():
    assert _found("A 5-star review gets you a $10 refund.") == [
        ("review_manipulation", "5-star review gets you a $10"),
    ]


def test_verdict_categories_are_sorted_and_unique():
    verdict = check("Text me on WhatsApp 347 555 0187 or WhatsApp 347 555 0188")

    assert verdict.categories == ("messaging_app", "phone")
    assert verdict.verdict == "block"

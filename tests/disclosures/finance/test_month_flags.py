"""The finance month page flags expenses that lack a decision record (四议两公开)."""

from tests.disclosures.matters.matter_data import make_matter, make_steps, month_with_entries

FLAG = "该笔支出达到重大事项标准，但没有公开的决策记录"
URL = "/v/371603201201/finance/2026-04/"


def test_it_flags_a_large_expense_without_a_matter(client, wumiao):
    month_with_entries(wumiao, 2026, 4, [("记04-001", "50000.00", None)])

    assert FLAG in client.get(URL).content.decode()


def test_it_does_not_flag_an_expense_below_the_threshold(client, wumiao):
    month_with_entries(wumiao, 2026, 4, [("记04-001", "49999.99", None)])

    assert FLAG not in client.get(URL).content.decode()


def test_it_flags_an_expense_of_a_matter_not_yet_resolved(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=3)
    month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", matter)])

    assert FLAG in client.get(URL).content.decode()


def test_it_does_not_flag_an_expense_of_a_resolved_matter(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=4)
    month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", matter)])

    content = client.get(URL).content.decode()

    assert FLAG not in content
    assert "90,000.00" in content


def test_it_shows_the_flag_on_the_village_page_too(client, wumiao):
    month_with_entries(wumiao, 2026, 4, [("记04-001", "65000.00", None)])

    assert FLAG in client.get("/v/371603201201/").content.decode()


def test_the_township_threshold_decides(client, wumiao, liguo):
    liguo.major_matter_threshold = 100000
    liguo.save()
    month_with_entries(wumiao, 2026, 4, [("记04-001", "65000.00", None)])

    assert FLAG not in client.get(URL).content.decode()


def test_a_line_approved_by_a_major_matter_links_to_it(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=4)
    month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", matter)])

    content = client.get(URL).content.decode()

    assert f'href="/v/371603201201/matters/{matter.pk}/"' in content
    assert f"经重大事项决议：{matter.title}" in content


def test_a_line_of_a_matter_not_yet_resolved_does_not_claim_approval(client, wumiao):
    matter = make_matter(wumiao)
    make_steps(matter, published=3)
    month_with_entries(wumiao, 2026, 4, [("记04-001", "90000.00", matter)])

    assert "经重大事项决议" not in client.get(URL).content.decode()


def _poster_text(month, tmp_path):
    import subprocess

    from disclosures.finance.posters import render_month_poster

    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(render_month_poster(month))
    result = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return "".join(result.stdout.split())  # table cells wrap: compare without spaces


def test_the_poster_flags_a_large_expense_without_a_decision(wumiao, tmp_path):
    matter = make_matter(wumiao)
    make_steps(matter, published=4)
    month = month_with_entries(
        wumiao, 2026, 4, [("记04-001", "65000.00", None), ("记04-002", "90000.00", matter)]
    )

    text = _poster_text(month, tmp_path)

    assert text.count(FLAG) == 1  # the unlinked one only

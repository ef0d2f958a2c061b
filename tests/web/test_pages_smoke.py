"""Do the foundation's pages answer, in Chinese by default and in English on request?"""


def test_home_page_is_chinese_by_default(client, town):
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "平安积分" in text
    assert 'lang="zh-CN"' in text


def test_language_switch_turns_pages_english(client, town):
    client.get("/lang/en")
    text = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in text


def test_resident_logs_in_and_sees_their_points(client, auth, town):
    answer = auth.login(town.resident_a)
    assert answer.status_code == 302
    page = client.get("/me")
    assert page.status_code == 200
    assert "我的积分" in page.get_data(as_text=True)


def test_wrong_password_shows_a_friendly_message(client, auth, town):
    answer = auth.login(town.resident_a, password="wrong-password")
    assert answer.status_code == 401
    assert "手机号或密码不对" in answer.get_data(as_text=True)

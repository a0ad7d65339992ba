"""The API's docs and browsable pages speak Chinese, with one tag per resource."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

RESOURCES = ["文章", "指示要求", "要求组", "人物", "机构", "职务", "导入"]


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_title_description_and_tags_are_chinese(schema):
    assert schema["info"]["title"] == "新闻编辑部 API"
    assert "已发布" in schema["info"]["description"]
    assert [tag["name"] for tag in schema["tags"]] == RESOURCES
    for tag in schema["tags"]:
        assert "示例：/api/v1/" in tag["description"]


def test_every_operation_has_one_resource_tag_and_a_chinese_summary(schema):
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            assert len(operation["tags"]) == 1, (path, method)
            assert operation["tags"][0] in RESOURCES
            assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), (path, method)
    assert schema["paths"]["/api/v1/articles/"]["get"]["summary"] == "列出文章"


def test_no_array_without_item_type(schema):
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "array":
                items = node.get("items", {})
                assert "type" in items or "$ref" in items, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_slug_is_called_网址标识_not_别名(schema):
    text = json.dumps(schema, ensure_ascii=False)
    assert "网址标识" in text
    assert "别名(slug)" not in text and "别名（slug）" not in text


def test_error_responses_are_described_in_chinese(schema):
    responses = schema["paths"]["/api/v1/articles/"]["get"]["responses"]
    assert responses["404"]["description"].startswith("未找到")


def test_browsable_api_is_chinese(client):
    page = client.get("/api/v1/articles/", HTTP_ACCEPT="text/html").content.decode()
    assert "Django REST framework" not in page
    assert "新闻编辑部 API" in page
    crumbs = re.search(r'<ul class="breadcrumb">(.*?)</ul>', page, re.S).group(1)
    names = re.findall(r">([^<>]+)</a>", crumbs)
    assert names == ["API 首页", "文章列表"]
    assert "Not Found" not in page and "Article List" not in page

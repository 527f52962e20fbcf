import json
from decimal import Decimal

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class DecimalJSONParser(JSONParser):
    """JSON numbers with a fraction become Decimal, never float: 0.1 + 0.2 stays 0.3 元."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json.loads(stream.read().decode(encoding), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError("请求体不是合法的 JSON") from exc

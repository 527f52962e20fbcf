"""The roles of lifecycle.md, as codes. A user holds one role in one unit."""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "业主单位"
    BDB = "bdb", "市大数据局"
    SMART_OFFICE = "smart_office", "市智慧办"
    BIZENV = "bizenv", "市营商办"
    CAC = "cac", "市委网信办"
    NDRC = "ndrc", "市发改委"
    FINANCE = "finance", "市财政局"
    REGULATOR = "regulator", "市监管办"
    REVIEW_CENTER = "review_center", "市评审中心"
    EXPERT = "expert", "专家"
    LEADING_GROUP = "leading_group", "领导小组"
    OBSERVER = "observer", "监督观察（只读）"


# The eight units that review a scheme together (COORD-02), besides the experts. "owner" stands for
# the demanding unit itself; the others are the units with these codes.
JOINT_REVIEW_UNITS = ["owner", "bdb", "cac", "bizenv", "ndrc", "finance", "regulator", "review_center"]

"""The product's one name: page titles, the admin site, the API's title, emails, documents and exports
all say this (README.md's title)."""

NAME = "衢州市政府投资数字化项目全生命周期管理平台"

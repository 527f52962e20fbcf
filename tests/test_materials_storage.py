"""Materials storage (MAT-02): the file system by default, an S3-compatible object store (django-storages)
when GOVPM_S3_BUCKET is set, so several app servers share the files. No network: the S3 backend is
built and inspected, never called."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, default_storage, storages

from config.settings.base import storages_from_env

S3_ENV = {
    "GOVPM_S3_BUCKET": "govpm-materials",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "AWS_S3_REGION_NAME": "cn-east-1",
    "AWS_ACCESS_KEY_ID": "govpm",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    "AWS_S3_ADDRESSING_STYLE": "path",
}


def test_file_system_is_the_default_storage_MAT_02():
    chosen = storages_from_env({})
    assert chosen["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert isinstance(storages["default"], FileSystemStorage)


def test_s3_bucket_in_the_environment_chooses_the_object_store_MAT_02():
    chosen = storages_from_env(S3_ENV)["default"]
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    options = chosen["OPTIONS"]
    assert options["bucket_name"] == "govpm-materials"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] is None and options["file_overwrite"] is False
    # the static files are not moved with the materials
    assert storages_from_env(S3_ENV)["staticfiles"] == storages_from_env({})["staticfiles"]


def test_materials_are_written_through_the_chosen_backend_MAT_02(settings):
    from storages.backends.s3 import S3Storage

    settings.STORAGES = storages_from_env(S3_ENV)
    backend = storages["default"]
    assert isinstance(backend, S3Storage)
    assert backend.bucket_name == "govpm-materials"
    assert backend.endpoint_url == "http://127.0.0.1:9000"
    assert backend.file_overwrite is False and backend.querystring_auth is True
    # the storage the material service writes to (services.default_storage) is that backend
    assert default_storage.bucket_name == "govpm-materials"
    assert isinstance(default_storage._wrapped, S3Storage)

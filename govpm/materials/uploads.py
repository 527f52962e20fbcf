"""A request carrying more files than any material upload takes (MAT-02: "500 uploads in one request")
is refused naming the material, not with Django's anonymous TooManyFilesSent.

Django refuses past DATA_UPLOAD_MAX_NUMBER_FILES while it parses, before the fields already read
reach the view, so a refusal there cannot say which material was meant. This handler, first in
FILE_UPLOAD_HANDLERS, counts the files of the material views only; past MAX_FILES it stops the
upload (the rest of the body is read and dropped, nothing stored), and notes on the request the field
whose file overflowed. The views then refuse with the material's name (api.single_upload,
web forms.Form.material_uploads); the fields parsed before (the `kind`) are still there."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MAX_FILES = 20  # an action takes at most a few materials, one file each; far below Django's backstop
MATERIAL_VIEWS = {"api-project-materials", "materials:project", "web:action"}
TOO_MANY = "too_many_material_files"


def too_many_message(material_name: str) -> str:
    return f"{material_name}：一次上传的文件过多，每次请求不超过 {MAX_FILES} 个文件（每种材料一个）"


def overflowed(request) -> str | None:
    """The field whose file went past MAX_FILES in this request, or None."""
    return getattr(request, TOO_MANY, None)


class MaterialFileCount(FileUploadHandler):
    count = 0

    def new_file(self, field_name, *args, **kwargs):
        match = getattr(self.request, "resolver_match", None)
        if match is None or match.view_name not in MATERIAL_VIEWS:
            return
        self.count += 1
        if self.count > MAX_FILES:
            setattr(self.request, TOO_MANY, field_name)
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None

"""Contains all the data models used in inputs/outputs"""

from .attribute_file import AttributeFile
from .error import Error
from .get_attribute_files_resource_type import GetAttributeFilesResourceType
from .login_request import LoginRequest
from .login_result import LoginResult
from .upload_attribute_file_body import UploadAttributeFileBody

__all__ = (
    "AttributeFile",
    "Error",
    "GetAttributeFilesResourceType",
    "LoginRequest",
    "LoginResult",
    "UploadAttributeFileBody",
)

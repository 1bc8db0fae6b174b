"""Contains all the data models used in inputs/outputs"""

from .attachment_entity import AttachmentEntity
from .attachment_upload import AttachmentUpload
from .attachment_vo_ext import AttachmentVoExt
from .error import Error
from .ipd_attachment_list import IpdAttachmentList
from .ipd_upload_result import IpdUploadResult
from .scrum_attachment import ScrumAttachment
from .user_common_vo_type_0 import UserCommonVOType0
from .user_entity_type_0 import UserEntityType0

__all__ = (
    "AttachmentEntity",
    "AttachmentUpload",
    "AttachmentVoExt",
    "Error",
    "IpdAttachmentList",
    "IpdUploadResult",
    "ScrumAttachment",
    "UserCommonVOType0",
    "UserEntityType0",
)

"""Contains all the data models used in inputs/outputs"""

from .error import Error
from .external_attachment import ExternalAttachment
from .ticket_type import TicketType
from .upload_attachment_body import UploadAttachmentBody
from .upload_result import UploadResult

__all__ = (
    "Error",
    "ExternalAttachment",
    "TicketType",
    "UploadAttachmentBody",
    "UploadResult",
)

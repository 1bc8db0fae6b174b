from enum import StrEnum


class GetAttributeFilesResourceType(StrEnum):
    PROJECT = "PROJECT"
    PROJECT_GROUP = "PROJECT_GROUP"
    TASK = "TASK"

    def __str__(self) -> str:
        return str(self.value)

from enum import StrEnum


class TicketType(StrEnum):
    INCIDENT = "incident"

    def __str__(self) -> str:
        return str(self.value)

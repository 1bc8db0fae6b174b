"""attachkit: move file attachments in and out of CodeArts Req, COC and WorldServer.

The generated clients (``codearts_req_client``, ``coc_client``, ``worldserver_client``) speak
the wire protocol; this package adds what a generator cannot know: request signing, sessions,
streaming transfers, retries, errors and the command line.
"""

__version__ = "0.1.0"

#!/usr/bin/python3
"""A loopback HTTP/1.1 server for delivery benchmarks of a million events:
answers every POST with 200 at once on kept-alive connections (asyncio, no
threads), counts them, and says how many on GET /count. tests/e2e/
pulse_server.py records every request and would measure itself rather than
pulse-agent at that size. Prints "port N", serves until killed."""

import asyncio
import sys

ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          b"Content-Length: 11\r\n\r\n{\"ok\":true}")
count = 0


async def serve(reader, writer):
    global count
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            if head.startswith(b"GET /count"):
                body = str(count).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
            else:
                count += 1
                writer.write(ANSWER)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=256)
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

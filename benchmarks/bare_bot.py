"""The yardstick for benchmarks/load.py: a bare python-telegram-bot bot.

It answers each text with one sendMessage and does nothing else, served the same
way as `razem run` (long polling, or a webhook through Starlette and uvicorn), so
Razem's throughput can be read as a share of what the library itself manages here.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

TOKEN = "123456:TEST-token"


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, "ok")


async def serve_webhook(application: Application, port: int) -> None:  # type: ignore[type-arg]
    async def receive(request: Request) -> Response:
        update = Update.de_json(json.loads(await request.body()), application.bot)
        await application.update_queue.put(update)
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/hook", receive, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    async with application:
        await application.start()
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        await application.bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        await serving
        await application.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--port", type=int, help="serve a webhook on this port, else poll")
    args = parser.parse_args()
    application = ApplicationBuilder().token(TOKEN).base_url(args.base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, answer))
    if args.port:
        asyncio.run(serve_webhook(application, args.port))
    else:
        application.run_polling(allowed_updates=["message"])


if __name__ == "__main__":
    main()

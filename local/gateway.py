"""API Gateway, emulated: HTTP API at /api, WebSocket API at /ws, its management API, the site.

One aiohttp server on one port. Lambda handlers run in a thread pool, as
separate Lambda invocations would run concurrently on AWS.
"""

from __future__ import annotations

import asyncio
import base64
import json
import mimetypes
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from aiohttp import WSMsgType, web
from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    CustomLocalChalice,
    ForbiddenError,
    LambdaContext,
    LocalChalice,
    LocalGateway,
    LocalGatewayException,
    NotAuthorizedError,
)

if TYPE_CHECKING:
    from local.lambdas import LambdaPool

API_STAGE = "api"
ORIGIN_HEADER = "x-origin-verify"  # what CloudFront adds to /api/* (infra/template.yaml)
API_ID = "localapi01"
WS_MAX_MESSAGE_BYTES = 128 * 1024


@dataclass
class LocalConnection:
    """An open client socket, as API Gateway tracks it."""

    connection_id: str
    socket: web.WebSocketResponse
    connected_at: float
    source_ip: str
    user_agent: str
    last_active: float
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: bool = False


def new_connection_id() -> str:
    """An id shaped like API Gateway's (12 base64 characters ending in '=')."""
    return base64.b64encode(secrets.token_bytes(9)).decode("ascii").replace("/", "_")[:11] + "="


def _security_headers(connect_src: str, img_src: str = "") -> dict[str, str]:
    """The headers CloudFront's response-headers policy adds in production (infra/template.yaml)."""
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
            f"img-src 'self' data: blob: {img_src}; font-src 'self'; "
            f"connect-src 'self' {connect_src}; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
    }


class LocalPlatform:
    """The HTTP + WebSocket front door of the local platform."""

    def __init__(
        self,
        chalice_app: Chalice,
        site_dir: Path,
        public_url: str,
        client_config: dict[str, Any],
        connect_src: str = "",
        img_src: str = "",
        idle_timeout: float = 600.0,
        max_lifetime: float = 7200.0,
        workers: int = 16,
        origin_secret: str = "",
        lambdas: LambdaPool | None = None,
    ) -> None:
        """``lambdas``: the processes that run the WebSocket handlers (local/lambdas.py);
        without them they run in this process's pool."""
        # Thread-local current_request, as `chalice local` does it: handlers run concurrently.
        CustomLocalChalice.__bases__ = (LocalChalice, chalice_app.__class__)
        chalice_app.__class__ = CustomLocalChalice
        self.app = chalice_app
        self.site_dir = site_dir
        self.public_url = public_url.rstrip("/")
        self.client_config = client_config
        self.idle_timeout = idle_timeout
        self.origin_secret = origin_secret
        self.max_lifetime = max_lifetime
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda")
        self.lambdas = lambdas
        self.connections: dict[str, LocalConnection] = {}
        self.gateway = LocalGateway(
            chalice_app,
            Config.create(
                chalice_stage="dev",
                app_name=chalice_app.app_name,
                lambda_timeout=29,
                lambda_memory_size=512,
            ),
        )
        self.headers = _security_headers(connect_src, img_src)
        self._decode_path_parameters()
        self.web = self._build()

    def _decode_path_parameters(self) -> None:
        converter = self.gateway.event_converter
        create = converter.create_lambda_event

        def decoded(
            method: str, path: str, headers: dict[str, str], body: bytes | None = None
        ) -> dict[str, Any]:
            event: dict[str, Any] = create(method=method, path=path, headers=headers, body=body)
            if event.get("pathParameters"):
                event["pathParameters"] = {
                    key: unquote(value) for key, value in event["pathParameters"].items()
                }
            return event

        converter.create_lambda_event = decoded  # type: ignore[method-assign]

    # -- Lambda invocation -------------------------------------------------

    def _context(self, name: str) -> LambdaContext:
        return LambdaContext(function_name=name, memory_size=512, max_runtime_ms=29_000)

    async def invoke(self, name: str, event: dict[str, Any]) -> Any:
        """Run a Lambda handler of the app as its own invocation: in the Lambdas' processes
        when the platform has them, else in this process's pool."""
        if self.lambdas is not None:
            return await self.lambdas.invoke(name, event)
        handler = self.app.handler_map[name]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, handler, event, self._context(name))

    def handler_name(self, route_key: str) -> str:
        return str(self.app.websocket_handlers[route_key].name)

    # -- HTTP API ----------------------------------------------------------

    async def http_api(self, request: web.Request) -> web.StreamResponse:
        # The raw (still percent-encoded) path: a decoded '?' or '/' inside a path
        # parameter would otherwise be split again. Parameters are decoded below, as
        # API Gateway decodes them.
        path = request.raw_path.removeprefix("/api") or "/"
        body = await request.read()
        headers = {key.lower(): value for key, value in request.headers.items()}
        # As CloudFront does: the viewer's address appended to what the client claimed, and
        # the origin secret (any value the client sent is replaced).
        viewer = request.remote or "127.0.0.1"
        claimed = headers.get("x-forwarded-for", "").strip()
        headers["x-forwarded-for"] = f"{claimed}, {viewer}" if claimed else viewer
        headers.pop(ORIGIN_HEADER, None)
        if self.origin_secret:
            headers[ORIGIN_HEADER] = self.origin_secret
        loop = asyncio.get_running_loop()
        try:
            response = await loop.run_in_executor(
                self.executor,
                self.gateway.handle_request,
                request.method,
                path,
                headers,
                body or None,
            )
        except LocalGatewayException as error:
            return self._gateway_error(error)
        raw = response.get("body")
        payload = (
            base64.b64decode(raw)
            if response.get("isBase64Encoded") and raw
            else (raw or "").encode("utf-8")
            if isinstance(raw, str)
            else raw or b""
        )
        out = web.Response(status=int(response["statusCode"]), body=payload)
        for key, value in (response.get("headers") or {}).items():
            out.headers[key] = str(value)
        for key, values in (response.get("multiValueHeaders") or {}).items():
            for value in values:
                out.headers.add(key, str(value))
        return out

    def _gateway_error(self, error: LocalGatewayException) -> web.Response:
        """API Gateway's own refusals, as the deployed gateway responses shape them."""
        raw = error.body or b""
        if isinstance(error, ForbiddenError) and b"Missing Authentication Token" in raw:
            status, code, message = 404, "not_found", "Cette adresse de l'API n'existe pas."
        elif isinstance(error, NotAuthorizedError):
            status, code, message = 401, "unauthorized", "Authentification requise."
        elif isinstance(error, ForbiddenError):
            status, code, message = 403, "forbidden", "Jeton absent, invalide ou expiré."
        else:
            status, code, message = 500, "authorizer_error", "Erreur de l'autorisation."
        return web.json_response({"error": {"code": code, "message": message}}, status=status)

    # -- WebSocket API -----------------------------------------------------

    def _ws_event(
        self,
        route_key: str,
        connection_id: str,
        request: web.Request | None,
        connected_at: float,
        body: str | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
        now = time.time()
        context: dict[str, Any] = {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": uuid.uuid4().hex[:16],
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "messageDirection": "IN",
            "stage": API_STAGE,
            "connectedAt": int(connected_at * 1000),
            "requestTimeEpoch": int(now * 1000),
            "identity": {
                "sourceIp": request.remote if request else "127.0.0.1",
                "userAgent": request.headers.get("User-Agent", "") if request else "",
            },
            "requestId": uuid.uuid4().hex[:16] + "=",
            "domainName": self.public_url.split("://", 1)[-1],
            "connectionId": connection_id,
            "apiId": API_ID,
        }
        if event_type == "MESSAGE":
            context["messageId"] = uuid.uuid4().hex[:16] + "="
        context.update(extra_context or {})
        event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
        if route_key == "$connect" and request is not None:
            headers: dict[str, str] = {}
            multi: dict[str, list[str]] = {}
            for key, value in request.headers.items():
                headers[key] = value
                multi.setdefault(key, []).append(value)
            query = parse_qs(request.query_string, keep_blank_values=True)
            event["headers"] = headers
            event["multiValueHeaders"] = multi
            if query:
                event["queryStringParameters"] = {key: values[-1] for key, values in query.items()}
                event["multiValueQueryStringParameters"] = query
        if body is not None:
            event["body"] = body
        return event

    async def ws_endpoint(self, request: web.Request) -> web.StreamResponse:
        connection_id = new_connection_id()
        connected_at = time.time()
        result = await self.invoke(
            self.handler_name("$connect"),
            self._ws_event("$connect", connection_id, request, connected_at),
        )
        status = int((result or {}).get("statusCode", 200))
        if not 200 <= status < 300:
            # A non-2xx $connect answer rejects the handshake, as API Gateway does.
            return web.Response(
                status=status,
                text=(result or {}).get("body") or "",
                content_type="application/json",
            )
        socket = web.WebSocketResponse(
            max_msg_size=WS_MAX_MESSAGE_BYTES, autoping=True, compress=False
        )
        await socket.prepare(request)
        connection = LocalConnection(
            connection_id,
            socket,
            connected_at,
            request.remote or "127.0.0.1",
            request.headers.get("User-Agent", ""),
            time.time(),
        )
        self.connections[connection_id] = connection
        reason = "Client closed"
        status_code = 1000
        try:
            while True:
                deadline = min(
                    connection.last_active + self.idle_timeout, connected_at + self.max_lifetime
                )
                try:
                    message = await asyncio.wait_for(
                        socket.receive(), max(0.0, deadline - time.time())
                    )
                except TimeoutError:
                    idle = time.time() >= connection.last_active + self.idle_timeout
                    reason = "Idle timeout" if idle else "Connection lifetime exceeded"
                    status_code = 1001
                    break
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    connection.last_active = time.time()
                    data = (
                        message.data
                        if isinstance(message.data, str)
                        else message.data.decode("utf-8", errors="replace")
                    )
                    await self.invoke(
                        self.handler_name("$default"),
                        self._ws_event("$default", connection_id, None, connected_at, data),
                    )
                elif message.type == WSMsgType.ERROR:
                    reason, status_code = "Going away", 1006
                    break
                else:  # CLOSE, CLOSING, CLOSED
                    status_code = socket.close_code or 1006
                    reason = "Client closed" if status_code != 1006 else "Going away"
                    break
        finally:
            connection.closed = True
            self.connections.pop(connection_id, None)
            if not socket.closed:
                await socket.close(
                    code=status_code if status_code in (1000, 1001) else 1001,
                    message=reason.encode(),
                )
            await self.invoke(
                self.handler_name("$disconnect"),
                self._ws_event(
                    "$disconnect",
                    connection_id,
                    None,
                    connected_at,
                    extra_context={"disconnectStatusCode": status_code, "disconnectReason": reason},
                ),
            )
        return socket

    # -- Management API: POST|GET|DELETE /{stage}/@connections/{id} ------------

    @staticmethod
    def _gone() -> web.Response:
        return web.Response(
            status=410,
            body=b'{"message":null}',
            headers={"x-amzn-ErrorType": "GoneException", "Content-Type": "application/json"},
        )

    async def management(self, request: web.Request) -> web.Response:
        connection = self.connections.get(request.match_info["connection_id"])
        if connection is None or connection.closed or connection.socket.closed:
            return self._gone()
        if request.method == "POST":
            data = await request.read()
            if len(data) > WS_MAX_MESSAGE_BYTES:
                return web.Response(
                    status=413,
                    body=b'{"message":"Message too long"}',
                    headers={"x-amzn-ErrorType": "PayloadTooLargeException"},
                )
            try:
                async with connection.send_lock:
                    await connection.socket.send_str(data.decode("utf-8", errors="replace"))
            except (ConnectionError, RuntimeError):
                return self._gone()
            return web.Response(status=200)
        if request.method == "GET":
            return web.json_response(
                {
                    "connectedAt": time.strftime(
                        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(connection.connected_at)
                    ),
                    "identity": {
                        "sourceIp": connection.source_ip,
                        "userAgent": connection.user_agent,
                    },
                    "lastActiveAt": time.strftime(
                        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(connection.last_active)
                    ),
                }
            )
        # DELETE: close from the server side; $disconnect follows from the socket loop.
        await connection.socket.close(code=1000, message=b"Closed by the server")
        return web.Response(status=204)

    # -- Static site and console ---------------------------------------------

    async def client_config_json(self, request: web.Request) -> web.Response:
        return web.json_response(self.client_config, headers={"Cache-Control": "no-store"})

    def _site_file(self, relative: str) -> Path | None:
        """The file of the site a path names, its directory's index.html, or None — for any
        path at all: NUL bytes, overlong names, ``..``, links out of the site."""
        if "\x00" in relative or "\\" in relative:
            return None
        root = self.site_dir.resolve()
        try:
            target = (root / relative).resolve()
            if root != target and root not in target.parents:
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None
        except (OSError, ValueError):
            return None

    async def static(self, request: web.Request) -> web.StreamResponse:
        relative = request.match_info.get("path", "")
        target = self._site_file(relative)
        if (
            target is not None
            and target.name == "index.html"
            and relative
            and not relative.endswith("/")
            and not relative.endswith("index.html")
        ):
            raise web.HTTPMovedPermanently(f"/{relative}/")
        if target is None:
            root = self.site_dir.resolve()
            missing = root / "404.html"
            if missing.is_file():
                return web.Response(
                    status=404,
                    body=missing.read_bytes(),
                    content_type="text/html",
                    charset="utf-8",
                    headers=self.headers,
                )
            raise web.HTTPNotFound()
        content_type, _ = mimetypes.guess_type(str(target))
        response = web.FileResponse(
            target,
            headers={
                **self.headers,
                "Cache-Control": "no-cache",
                "Content-Type": content_type or "application/octet-stream",
            },
        )
        return response

    @web.middleware
    async def _compress(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        if (
            isinstance(response, web.Response)
            and not isinstance(response, web.FileResponse)
            and response.status != 101
            and response.body is not None
        ):
            response.enable_compression()
        return response

    def _build(self) -> web.Application:
        application = web.Application(client_max_size=6 * 1024 * 1024, middlewares=[self._compress])
        application.router.add_route(
            "*", f"/{API_STAGE}/@connections/{{connection_id}}", self.management
        )
        application.router.add_get("/ws", self.ws_endpoint)
        application.router.add_get("/config.json", self.client_config_json)
        application.router.add_route("*", "/api/{tail:[\\s\\S]*}", self.http_api)
        application.router.add_get("/{path:[\\s\\S]*}", self.static)
        application.on_shutdown.append(self._on_shutdown)
        return application

    async def _on_shutdown(self, _: web.Application) -> None:
        for connection in list(self.connections.values()):
            await connection.socket.close(code=1001, message=b"Server shutting down")

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        if self.lambdas is not None:
            self.lambdas.close()


def json_dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)

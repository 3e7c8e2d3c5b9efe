"""JSON errors for the API: {"error": {"code", "message"}} with the right status, never HTML."""
from flask import jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
         429: "too_many_requests", 500: "server_error"}


def is_api_request():
    return request.path.startswith("/api/")


def error_response(status, message=None):
    """A JSON error body with its status, readable by any client."""
    response = jsonify(error={"code": CODES.get(status, "error"),
                              "message": message or HTTP_STATUS_CODES.get(status, "Error")})
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

using Tessera.Core.Errors;

namespace Tessera.Server.Problems;

/// <summary>The code a problem carries when nothing more specific set one: one per HTTP status.</summary>
internal static class ProblemCodes
{
    public static string ForStatus(int status) => status switch
    {
        400 => ErrorCodes.ValidationFailed,
        401 => ErrorCodes.Unauthorized,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.ResourceNotFound,
        405 => "METHOD_NOT_ALLOWED",
        409 => ErrorCodes.Conflict,
        413 => ErrorCodes.PayloadTooLarge,
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => ErrorCodes.ValidationFailed,
        429 => ErrorCodes.RateLimited,
        503 => ErrorCodes.NotReady,
        _ => status >= 500 ? ErrorCodes.InternalError : "HTTP_" + status,
    };
}

using Microsoft.AspNetCore.Http;

namespace Tessera.Web.Session;

/// <summary>Where the web UI's own routes are, and which return addresses it follows.</summary>
public static class WebPaths
{
    public const string SignInPath = "/signin";

    /// <summary>Routes that answer JSON, not pages: <c>/v1</c> holds the OpenAI-compatible aliases.</summary>
    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/openapi");

    public static string SignIn(string returnUrl) =>
        returnUrl is "/" or "" ? SignInPath : SignInPath + "?return_url=" + Uri.EscapeDataString(returnUrl);

    /// <summary>
    /// The return address if it stays on this site (a path starting with one slash, not "//" nor "/\"), else
    /// the home page: a sign-in link must not send the person elsewhere after they typed their password.
    /// </summary>
    public static string LocalOrHome(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/') return "/";
        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\')) return "/";
        if (returnUrl.Any(char.IsControl)) return "/";
        return returnUrl;
    }
}

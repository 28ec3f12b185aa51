using System.Security.Cryptography;
using System.Text;

namespace Tessera.Server.Observability;

/// <summary>Guards <c>/metrics</c> with the <c>metrics:token</c> setting, when one is set.</summary>
internal static class MetricsTokenCheck
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var expected = context.RequestServices.GetRequiredService<MetricsOptions>().Token;
        if (expected is null || Matches(context.Request.Headers.Authorization.ToString(), expected))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Detail = $"Metrics need 'Authorization: Bearer <token>' with the value of the setting {MetricsOptions.TokenKey}.",
        };
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false);
    }

    private static bool Matches(string header, string expected)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        // Hashing first gives equal lengths, so the comparison takes the same time whatever was presented.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}

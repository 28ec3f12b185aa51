using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;

namespace Tessera.Server.Tests;

/// <summary>The caller is bound once per request as a <see cref="Caller"/> parameter; no handler reads claims itself.</summary>
public class CallerBindingTests
{
    /// <summary>
    /// Authenticated handlers that touch no organization's data: the embedders and their model list are the server's,
    /// and the API fallback only explains why no route matched.
    /// </summary>
    private static readonly HashSet<string> NeedNoCaller = ["EmbedAsync", "EmbedImagesAsync", "ListModels", "Answer"];

    [Fact]
    public async Task Every_authenticated_api_handler_takes_the_caller_as_a_parameter()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();
        Assert.NotEmpty(endpoints);

        var problems = new List<string>();
        var checkedHandlers = 0;
        foreach (var endpoint in endpoints)
        {
            var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
            var authenticated = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0 && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
            if (handler is null || !authenticated) continue;
            checkedHandlers++;
            var parameters = handler.GetParameters().Select(p => p.ParameterType).ToList();
            if (!parameters.Contains(typeof(Caller)) && !NeedNoCaller.Contains(handler.Name)) problems.Add($"{endpoint.DisplayName}: no Caller parameter");
            if (parameters.Contains(typeof(ClaimsPrincipal))) problems.Add($"{endpoint.DisplayName}: reads a ClaimsPrincipal");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(checkedHandlers >= 20, $"only {checkedHandlers} authenticated handlers found");
    }

    [Fact]
    public async Task The_caller_is_not_a_documented_parameter_or_body()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var contract = await OpenApiDocumentTests.DocumentAsync(app.CreateClient());

        foreach (var operation in contract.Operations)
        {
            var parameters = contract.Operation(operation)!["parameters"]?.AsArray().Select(p => p!["name"]!.GetValue<string>()) ?? [];
            Assert.DoesNotContain("caller", parameters, StringComparer.OrdinalIgnoreCase);
            if (operation.StartsWith("GET ", StringComparison.Ordinal) || operation.StartsWith("DELETE ", StringComparison.Ordinal))
                Assert.Null(contract.Operation(operation)!["requestBody"]);
        }
        Assert.DoesNotContain(contract.Schemas.Select(s => s.Key), name => name.Contains("Caller", StringComparison.Ordinal) || name.EndsWith("Principal", StringComparison.Ordinal));
    }
}

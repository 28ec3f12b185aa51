using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Platform.Web;
using Tessera.Traces.Api;
using Tessera.Traces.Points;

namespace Tessera.Traces.Web;

/// <summary>The UI part of Traces in one place: its services, its routes and its pages, called from <see cref="TracesModule"/>.</summary>
internal static class TracesUi
{
    public static ModulePages Pages { get; } = new(typeof(TracesUi).Assembly,
    [
        new NavigationEntry("Traces", "/traces", "the map of your agent-run logs: colour, hover, select and export records"),
        new NavigationEntry("Trace sources", "/traces/sources", "the folders of agent-run logs Tessera watches for you"),
    ]);

    public static void AddServices(IServiceCollection services) => services.AddSingleton<TracesPointsService>();

    public static void MapEndpoints(RouteGroupBuilder group) => group.MapTracesPoints();
}

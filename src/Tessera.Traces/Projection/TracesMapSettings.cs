using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Tessera.Traces.Projection;

/// <summary>The map's settings under <c>traces:</c>.</summary>
internal sealed class TracesMapSettings
{
    /// <summary>Refit on all vectors once the organization's vector count reaches this multiple of the count the current version was fitted on.</summary>
    [ConfigurationKeyName("map_refit_growth")]
    [Range(1.01, 1000.0, ErrorMessage = "traces:map_refit_growth must be from 1.01 to 1000.")]
    public double RefitGrowth { get; set; } = 2.0;
}

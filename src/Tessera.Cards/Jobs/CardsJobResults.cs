using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cards.Cli;

namespace Tessera.Cards.Jobs;

/// <summary>A job's result as the JSON the CLI prints with <c>--json</c> (snake_case), so scripts read one shape either way.</summary>
internal static class CardsJobResults
{
    public static JsonNode? Of<T>(T report) => JsonSerializer.SerializeToNode(report, CardsCommands.Json);
}

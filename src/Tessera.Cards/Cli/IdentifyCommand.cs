using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cards.Identify;
using Tessera.Core.Errors;
using Tessera.Platform.Modules;

namespace Tessera.Cards.Cli;

/// <summary><c>tessera cards identify PHOTO</c>: the catalog cards the photo most likely shows, best first, and whether the answer is confident.</summary>
internal static class IdentifyCommand
{
    public static Command Create(IModuleCommandHost host)
    {
        var photo = new Argument<string>("photo") { Description = "A photo of one card (JPEG, PNG or WebP)." };
        var k = new Option<int>("--k") { Description = $"How many candidates, 1 to {IdentifyRequest.MaxK}.", DefaultValueFactory = _ => IdentifyRequest.DefaultK };
        var ef = new Option<int?>("--ef") { Description = "The index's search beam (default 64); wider finds more, slower." };
        var model = new Option<string?>("--model") { Description = "Whose vectors to search; default the model of the latest embedding." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("identify", "Identify the card in a photo: candidates with name, set, collector number and score; exits 3 when the answer is not confident.");
        command.Arguments.Add(photo);
        foreach (var option in new Option[] { k, ef, model, json }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var request = new IdentifyRequest { K = parse.GetValue(k), Ef = parse.GetValue(ef), Model = parse.GetValue(model) }.Validate();
            var path = Path.GetFullPath(parse.GetValue(photo)!);
            if (!File.Exists(path)) throw TesseraException.Validation($"The photo {path} does not exist.");
            var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var result = await services.GetRequiredService<CardIdentifier>().IdentifyAsync(principal, bytes, request, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, CardsCommands.Json));
            }
            else
            {
                var rank = 0;
                foreach (var c in result.Candidates)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{++rank,2}. {c.Name} ({c.Set.ToUpperInvariant()} #{c.CollectorNumber}{(c.Face > 0 ? ", back face" : "")})  score {c.Score:0.000}  similarity {c.Similarity:0.000} ({result.Metric})  inliers {c.Inliers}"));
                }
                Console.WriteLine(result.Confident ? $"Confident ({result.Milliseconds:0} ms, {result.Model})." : $"Not confident: {result.Doubt}");
            }
            return result.Confident ? 0 : 3;
        });
        return command;
    }
}

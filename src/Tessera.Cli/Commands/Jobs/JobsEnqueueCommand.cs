using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Cli.Commands.Jobs;

/// <summary>
/// <c>tessera jobs enqueue KIND</c>: enqueues as the deployment's system owner (all-zero user and organization),
/// for operators and benchmarks; users enqueue through the API as themselves.
/// </summary>
internal static class JobsEnqueueCommand
{
    public static readonly JobOwner SystemOwner = new(Guid.Empty, Guid.Empty);

    public static Command Create(CliHost host)
    {
        var data = new DataOptions();
        var kind = new Argument<string>("kind") { Description = "A registered job kind, e.g. system.noop or system.count." };
        var input = new Option<string?>("--input") { Description = "The job's input as JSON (default {})." };
        var count = new Option<int>("--count") { Description = "Enqueue this many identical jobs (in transactions of 1,000).", DefaultValueFactory = _ => 1 };
        var key = new Option<string?>("--idempotency-key") { Description = "Return the existing job if this key was used before (only with --count 1)." };
        var command = new Command("enqueue", "Enqueue jobs as the system owner; prints their ids (or a count with --count).");
        data.AddTo(command);
        command.Arguments.Add(kind);
        command.Options.Add(input);
        command.Options.Add(count);
        command.Options.Add(key);
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(count);
            if (n < 1) throw TesseraException.Validation("--count must be at least 1.");
            if (n > 1 && parse.GetValue(key) is not null) throw TesseraException.Validation("--idempotency-key works only with --count 1.");
            JsonNode? body;
            try { body = JsonNode.Parse(parse.GetValue(input) ?? "{}"); }
            catch (JsonException e) { throw TesseraException.Validation($"--input is not valid JSON: {e.Message}"); }
            await using var services = host.Build(data.Flags(parse));
            var request = new JobRequest(parse.GetValue(kind)!, body) { IdempotencyKey = parse.GetValue(key) };
            var ids = await EnqueueManyAsync(services.GetRequiredService<TesseraDatabase>(), services.GetRequiredService<JobService>(), request, n, ct).ConfigureAwait(false);
            if (n == 1) Console.WriteLine(ids[0]);
            else Console.WriteLine($"Enqueued {n} {request.Kind} job(s).");
            return ExitCodes.Success;
        });
        return command;
    }

    public static async Task<IReadOnlyList<Guid>> EnqueueManyAsync(TesseraDatabase database, JobService jobs, JobRequest request, int count, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>(count);
        for (var start = 0; start < count; start += 1000)
        {
            var batch = Math.Min(1000, count - start);
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                for (var i = 0; i < batch; i++)
                    ids.Add((await jobs.EnqueueAsync(SystemOwner, request, connection, transaction, cancellationToken).ConfigureAwait(false)).Job.Id);
            }, cancellationToken).ConfigureAwait(false);
            jobs.WakeWorkers();
        }
        return ids;
    }
}

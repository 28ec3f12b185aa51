using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Guides.Jobs;
using Tessera.Guides.Processing;
using Tessera.Guides.Storage;

namespace Tessera.Guides.Callbacks;

/// <summary>What a replayed callback answers: the event as it was first applied.</summary>
internal sealed record CallbackReplay(string EventId, long Sequence, string Status, bool Replayed);

/// <summary>
/// Applies a remote worker's signed status callback (<c>POST /internal/jobs/{id}/status</c>) in one transaction on the
/// job's locked row: the first acceptance of an event changes status, checkpoint, artifacts and failure together and
/// records the event (null: 204); the same event id with the same body again changes nothing and answers the
/// recorded event (200); with another body it is a 409 <c>EVENT_ID_PAYLOAD_MISMATCH</c>; a sequence not above the
/// last applied one is a 409 <c>CALLBACK_OUT_OF_ORDER</c>; a status the job cannot move to, or any callback to a job
/// that ended, is a 409 <c>INVALID_TRANSITION</c>. Callbacks carry no user: a job that does not exist is a 404 like any other.
/// </summary>
internal sealed class CallbackService(TesseraDatabase database, GuidesSettings settings, TimeProvider time)
{
    private readonly IReadOnlyList<byte[]> _secrets = CallbackSignature.ParseSecrets(settings.CallbackSecrets);

    public async Task<CallbackReplay?> ApplyAsync(Guid jobId, string? eventId, string? timestamp, string? signatures, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var now = time.GetUtcNow();
        CallbackSignature.Verify(_secrets, eventId, timestamp, signatures, body, now, TimeSpan.FromSeconds(settings.CallbackToleranceSeconds));
        var update = CallbackBody.Parse(body);
        // The signature covers the body, not the URL: the body names its job, so a signed callback cannot be replayed at another.
        if (update.JobId != jobId) throw TesseraException.Validation($"The callback's job_id ({update.JobId}) is not the job of its URL ({jobId}).");
        var payloadSha256 = Convert.ToHexStringLower(SHA256.HashData(body));
        return await database.InTransactionAsync(async (c, t) =>
        {
            var job = await GuideRows.FindJobByIdAsync(c, t, database.Dialect, jobId, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound();
            if (await GuideRows.FindEventAsync(c, t, jobId, eventId!, cancellationToken).ConfigureAwait(false) is { } seen)
            {
                if (seen.PayloadSha256 == payloadSha256) return new CallbackReplay(seen.EventId, seen.Sequence, seen.Status, true);
                throw new TesseraException(GuidesErrorCodes.EventIdPayloadMismatch, 409, $"Event {eventId} was accepted with another body; a new event needs a new id.");
            }
            if (GuideJobStatus.IsTerminal(job.Status))
                throw new TesseraException(GuidesErrorCodes.InvalidTransition, 409, $"The job is {job.Status}, which is terminal: a callback changes nothing of it.")
                {
                    Extensions = { ["from"] = job.Status, ["to"] = update.Status },
                };
            if (update.Sequence <= job.LastSequence)
                throw new TesseraException(GuidesErrorCodes.CallbackOutOfOrder, 409,
                    $"Sequence {update.Sequence} is not above the last applied one ({job.LastSequence}).") { Extensions = { ["last_sequence"] = job.LastSequence } };
            var changed = job with
            {
                Status = update.Status, LastSequence = update.Sequence, Checkpoint = update.Checkpoint ?? job.Checkpoint,
                Artifacts = update.Artifacts?.ToJsonString() ?? job.Artifacts,
                FailureCode = update.Status == GuideJobStatus.Failed ? update.FailureCode : job.FailureCode,
                FailureMessage = update.Status == GuideJobStatus.Failed ? update.FailureMessage : job.FailureMessage,
            };
            await JobAdvance.ToAsync(c, t, job, changed, JobAdvance.ActorCallback, "callback " + eventId, now, cancellationToken).ConfigureAwait(false);
            // Frames a remote worker names are kept by the blob sweeper like the default worker's.
            foreach (var sha256 in Instructions.InstructionService.Frames(update.Artifacts).Keys)
                await GuideRows.InsertBlobAsync(c, t, jobId, "frame", sha256, cancellationToken).ConfigureAwait(false);
            await GuideRows.InsertEventAsync(c, t, new CallbackEvent { JobId = jobId, EventId = eventId!, PayloadSha256 = payloadSha256, Sequence = update.Sequence, Status = update.Status, CreatedAt = now }, cancellationToken).ConfigureAwait(false);
            return (CallbackReplay?)null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The callback's body: <c>job_id</c> (its URL's job), <c>sequence</c> (from 1, rising), <c>status</c>, and optionally
    /// <c>checkpoint</c> (a stage of the worker), <c>artifacts</c> (frames each with a 64-hex <c>sha256</c> and a
    /// <c>time_seconds</c>) and <c>failure</c>.
    /// </summary>
    private sealed record CallbackBody(Guid JobId, long Sequence, string Status, string? Checkpoint, JsonObject? Artifacts, string? FailureCode, string? FailureMessage)
    {
        public static CallbackBody Parse(byte[] body)
        {
            JsonObject json;
            try
            {
                json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw TesseraException.Validation($"The callback body is not a JSON object: {e.Message}");
            }
            var jobId = json["job_id"] is JsonValue j && j.TryGetValue<string>(out var idText) && Guid.TryParse(idText, out var parsed)
                ? parsed
                : throw TesseraException.Validation("job_id must name the job (its id, as in the URL).");
            var sequence = json["sequence"] is JsonValue s && s.TryGetValue<long>(out var n) && n >= 1 ? n : throw TesseraException.Validation("sequence must be a whole number from 1.");
            var status = json["status"] is JsonValue v && v.TryGetValue<string>(out var text) && GuideJobStatus.IsKnown(text)
                ? text
                : throw TesseraException.Validation($"status must be one of {string.Join(", ", GuideJobStatus.All)}.");
            var checkpoint = json["checkpoint"] switch
            {
                null => null,
                JsonValue cp when cp.TryGetValue<string>(out var stage) && Stages.Contains(stage) => stage,
                _ => throw TesseraException.Validation($"checkpoint must be one of {string.Join(", ", Stages)}."),
            };
            var artifacts = json["artifacts"] switch
            {
                null => null,
                JsonObject o => o,
                _ => throw TesseraException.Validation("artifacts must be an object."),
            };
            if (artifacts?["frames"] is { } frames && !ValidFrames(frames))
                throw TesseraException.Validation("artifacts.frames must be a list of objects with a sha256 (64 lower-case hex digits) and a time_seconds (a number from 0).");
            string? code = null, message = null;
            if (status == GuideJobStatus.Failed)
            {
                var failure = json["failure"] as JsonObject;
                code = failure?["code"] is JsonValue fc && fc.TryGetValue<string>(out var fcText) && fcText.Length > 0 ? fcText
                    : throw TesseraException.Validation("A FAILED callback needs failure.code (and failure.message).");
                message = failure?["message"] is JsonValue fm && fm.TryGetValue<string>(out var fmText) ? fmText : code;
            }
            return new CallbackBody(jobId, sequence, status, checkpoint, artifacts, code, message);
        }

        private static readonly string[] Stages = [ProcessJobHandler.MediaStage, ProcessJobHandler.TranscriptStage, ProcessJobHandler.DraftStage];

        private static bool ValidFrames(JsonNode frames) =>
            frames is JsonArray list && list.All(f =>
                f is JsonObject frame
                && frame["sha256"] is JsonValue sha && sha.TryGetValue<string>(out var hex) && hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower)
                && frame["time_seconds"] is JsonValue time && time.TryGetValue<double>(out var seconds) && seconds >= 0);
    }
}

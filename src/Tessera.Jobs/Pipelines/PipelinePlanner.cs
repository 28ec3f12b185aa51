using Tessera.Core.Errors;

namespace Tessera.Jobs.Pipelines;

/// <summary>Checks a template (unique names, known dependencies, a policy that exists, no cycle) and orders its steps so each comes after its dependencies.</summary>
internal static class PipelinePlanner
{
    public static IReadOnlyList<PipelineStep> Order(PipelineTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Steps.Count == 0) throw TesseraException.Validation("A pipeline needs at least one step.");
        var byName = new Dictionary<string, PipelineStep>(StringComparer.Ordinal);
        foreach (var step in template.Steps)
        {
            if (string.IsNullOrWhiteSpace(step.Name)) throw TesseraException.Validation("Every pipeline step needs a name.");
            if (!byName.TryAdd(step.Name, step)) throw TesseraException.Validation($"Two pipeline steps are named '{step.Name}'.");
            if (step.OnDependencyFailure is not (null or PipelinePolicies.Fail or PipelinePolicies.Skip))
                throw TesseraException.Validation($"Step '{step.Name}': on_dependency_failure must be 'fail' or 'skip'.");
        }
        if (template.OnDependencyFailure is not (PipelinePolicies.Fail or PipelinePolicies.Skip))
            throw TesseraException.Validation("on_dependency_failure must be 'fail' or 'skip'.");
        foreach (var step in template.Steps)
        {
            foreach (var dependency in step.DependsOn)
            {
                if (!byName.ContainsKey(dependency))
                    throw TesseraException.Validation($"Step '{step.Name}' depends on '{dependency}', which is not a step of this pipeline.");
            }
        }

        // Depth-first topological sort; a step met again while still on the path closes a cycle.
        var ordered = new List<PipelineStep>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in template.Steps) Visit(step);
        return ordered;

        void Visit(PipelineStep step)
        {
            if (done.Contains(step.Name)) return;
            if (!onPath.Add(step.Name)) throw TesseraException.Validation($"The pipeline has a cycle through step '{step.Name}'.");
            foreach (var dependency in step.DependsOn) Visit(byName[dependency]);
            onPath.Remove(step.Name);
            done.Add(step.Name);
            ordered.Add(step);
        }
    }
}

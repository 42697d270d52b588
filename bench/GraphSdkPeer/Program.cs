// The Microsoft Graph .NET SDK (GraphServiceClient, default middleware) as a benchmark peer.
//
//   GraphSdkPeer --url <emulator url> --token <access token>
//       Reads one JSON command per stdin line and answers one line "BENCH {json}" per command:
//       {"users":N,"concurrency":C,"timeline":bool}  revokes user000001..userN (C = 1: one
//       after the other; C > 1: Parallel.ForEachAsync with C tasks), a new client per run.
//       An empty line or end of input ends the program.
//   GraphSdkPeer --url <u> --token <t> --once <upn>
//       Revokes one user and prints "ANSWERED <DateTime.UtcNow.Ticks>" (time to first revocation).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

var options = ParseArguments(args);
var baseUrl = options["url"].TrimEnd('/') + "/v1.0";
var token = options["token"];

if (options.TryGetValue("once", out var onceUser))
{
    using var http = GraphClientFactory.Create();
    var client = new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new StaticToken(token)), baseUrl);
    await client.Users[onceUser].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync();
    Console.WriteLine($"ANSWERED {DateTime.UtcNow.Ticks}");
    return 0;
}

Console.WriteLine("BENCH " + JsonSerializer.Serialize(new { ready = true, info = new { sdk = typeof(GraphServiceClient).Assembly.GetName().Version?.ToString() } }));
string? line;
while (!string.IsNullOrWhiteSpace(line = Console.ReadLine()))
{
    var command = JsonSerializer.Deserialize<RunCommand>(line, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
        ?? throw new InvalidOperationException("Empty command.");
    Console.WriteLine("BENCH " + JsonSerializer.Serialize(await RunAsync(command)));
}
return 0;

async Task<object> RunAsync(RunCommand command)
{
    var ids = Enumerable.Range(1, command.Users).Select(i => $"user{i:D6}@contoso.com").ToArray();
    var completed = new ConcurrentQueue<double>();
    var errors = new ConcurrentDictionary<string, int>();
    int ok = 0, failed = 0;
    using var http = GraphClientFactory.Create();
    var client = new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new StaticToken(token)), baseUrl);
    var clock = Stopwatch.StartNew();

    async ValueTask RevokeOne(string id, CancellationToken cancel)
    {
        try
        {
            await client.Users[id].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync(cancellationToken: cancel);
            Interlocked.Increment(ref ok);
            if (command.Timeline) completed.Enqueue(clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failed);
            errors.AddOrUpdate(Describe(e), 1, (_, n) => n + 1);
        }
    }

    if (command.Concurrency <= 1)
    {
        foreach (var id in ids) await RevokeOne(id, CancellationToken.None);
    }
    else
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = command.Concurrency }, RevokeOne);
    }
    clock.Stop();

    using var self = Process.GetCurrentProcess();
    self.Refresh();
    return new
    {
        seconds = clock.Elapsed.TotalSeconds,
        ok,
        failed,
        errors = errors.OrderByDescending(e => e.Value).Take(3).Select(e => new { message = e.Key, count = e.Value }).ToArray(),
        peakWorkingSet = self.PeakWorkingSet64,
        timeline = command.Timeline ? completed.OrderBy(t => t).ToArray() : null,
    };
}

static string Describe(Exception e)
{
    // The SDK's own words: an ODataError's message, or the retry handler's exception.
    var message = e is Microsoft.Graph.Models.ODataErrors.ODataError odata ? $"{odata.ResponseStatusCode} {odata.Error?.Message}" : e.Message;
    if (e.InnerException is not null && e is not Microsoft.Graph.Models.ODataErrors.ODataError) message += $" ({e.InnerException.Message})";
    // One message per cause, not per user: the user's name is not part of it.
    message = System.Text.RegularExpressions.Regex.Replace(message, @"user\d{6}@contoso\.com", "<user>");
    return message.Length > 140 ? message[..140] : message;
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--")) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
        result[args[i][2..]] = args[i + 1];
    }
    foreach (var required in new[] { "url", "token" })
    {
        if (!result.ContainsKey(required)) throw new ArgumentException($"--{required} is required.");
    }
    return result;
}

sealed record RunCommand(int Users, int Concurrency, bool Timeline);

// The emulator accepts a static access token: no sign-in, the same token the other tools use.
sealed class StaticToken(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        => Task.FromResult(token);
}

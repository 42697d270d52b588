#Requires -Version 7.4
<#
.SYNOPSIS
    A benchmark peer that runs in its own pwsh, driven by bench/run.ps1 over stdin/stdout.
.DESCRIPTION
    Dot-sources bench/peers/<Peer>.ps1, which defines Initialize-Peer (once) and
    Invoke-PeerRevoke (per run). Reads one JSON command per stdin line,
    {"users":N,"timeline":bool}, revokes user000001..userN against the emulator and answers one
    line "BENCH {json}": seconds, ok, failed, errors (top 3 messages), this process's peak
    working set and, with timeline, each success's time since the run started. An empty line or
    the end of input ends the worker. Anything else the peer prints goes to stderr, never in
    the way of the protocol.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Peer,
    [Parameter(Mandatory)] [string] $Url,
    [Parameter(Mandatory)] [string] $Token,
    [string] $Variant = '',
    [string] $Manifest
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

. (Join-Path $PSScriptRoot "peers/$Peer.ps1")

function Send-BenchLine([object] $Value) {
    [Console]::Out.WriteLine('BENCH ' + ($Value | ConvertTo-Json -Compress -Depth 5))
    [Console]::Out.Flush()
}

$context = Initialize-Peer -Url $Url -Token $Token -Variant $Variant -Manifest $Manifest
Send-BenchLine @{ ready = $true; info = $context.Info }

while ($line = [Console]::In.ReadLine()) {
    $command = $line | ConvertFrom-Json
    $ids = [string[]]::new($command.users)
    for ($i = 0; $i -lt $ids.Length; $i++) { $ids[$i] = 'user{0:D6}@contoso.com' -f ($i + 1) }
    $run = [pscustomobject]@{
        Ok       = 0
        Failed   = 0
        Errors   = [System.Collections.Generic.Dictionary[string, int]]::new()
        Times    = $command.timeline ? [System.Collections.Generic.List[double]]::new() : $null
        Clock    = [System.Diagnostics.Stopwatch]::new()
    }
    $run.Clock.Start()
    Invoke-PeerRevoke -Context $context -Ids $ids -Run $run *>&1 | ForEach-Object { [Console]::Error.WriteLine("$_") }
    $run.Clock.Stop()
    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    $self.Refresh()
    Send-BenchLine ([ordered]@{
            seconds        = $run.Clock.Elapsed.TotalSeconds
            ok             = $run.Ok
            failed         = $run.Failed
            errors         = @($run.Errors.GetEnumerator() | Sort-Object Value -Descending | Select-Object -First 3 |
                    ForEach-Object { @{ message = $_.Key; count = $_.Value } })
            peakWorkingSet = $self.PeakWorkingSet64
            timeline       = $run.Times
        })
}

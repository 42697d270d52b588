# The tools compared, each run in its own worker process (bench/Worker.ps1 or GraphSdkPeer).

function Get-BenchTools {
    # Key (stable id), Name (as shown), Peer (bench/peers/<Peer>.ps1, or 'GraphSdk'), Variant,
    # Concurrency (Graph SDK only) and Module (a variant of this module: its own figures).
    @(
        [pscustomobject]@{ Key = 'EntraRs'; Name = 'Entra.Rs defaults'; Peer = 'EntraRs'; Variant = ''; Concurrency = 1; Module = $true }
        [pscustomobject]@{ Key = 'EntraRs32'; Name = 'Entra.Rs -ThrottleLimit 32'; Peer = 'EntraRs'; Variant = 'ThrottleLimit32'; Concurrency = 1; Module = $true }
        [pscustomobject]@{ Key = 'EntraRsBatch'; Name = 'Entra.Rs -UseBatch'; Peer = 'EntraRs'; Variant = 'UseBatch'; Concurrency = 1; Module = $true }
        [pscustomobject]@{ Key = 'Sdk32'; Name = 'Graph .NET SDK, 32 tasks'; Peer = 'GraphSdk'; Variant = ''; Concurrency = 32; Module = $false }
        [pscustomobject]@{ Key = 'SdkSeq'; Name = 'Graph .NET SDK, sequential'; Peer = 'GraphSdk'; Variant = ''; Concurrency = 1; Module = $false }
        [pscustomobject]@{ Key = 'FeParallel'; Name = 'ForEach-Object -Parallel 32 + Invoke-RestMethod'; Peer = 'ForEachParallel'; Variant = ''; Concurrency = 1; Module = $false }
        [pscustomobject]@{ Key = 'IrmLoop'; Name = 'Invoke-RestMethod loop (sequential)'; Peer = 'IrmLoop'; Variant = ''; Concurrency = 1; Module = $false }
        [pscustomobject]@{ Key = 'BatchSample'; Name = 'Entra batch sample ($batch 20, 5 s sleep)'; Peer = 'EntraBatchSample'; Variant = ''; Concurrency = 1; Module = $false }
    )
}

function Start-ToolWorker {
    # Starts the worker process of one tool against the emulator.
    param([psobject] $Tool, [psobject] $Emulator, [hashtable] $Paths)
    if ($Tool.Peer -eq 'GraphSdk') {
        Start-BenchWorker -Name $Tool.Key -Concurrency $Tool.Concurrency -FilePath 'dotnet' -ArgumentList @(
            $Paths.GraphSdkPeer, '--url', $Emulator.Url, '--token', $Emulator.Token)
    }
    else {
        Start-BenchWorker -Name $Tool.Key -FilePath $Paths.Pwsh -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-File', $Paths.Worker, '-Peer', $Tool.Peer, '-Variant', $Tool.Variant,
            '-Url', $Emulator.Url, '-Token', $Emulator.Token, '-Manifest', $Paths.Manifest)
    }
}

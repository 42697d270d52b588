# Peer worker processes: each tool runs in its own process (a pwsh running bench/Worker.ps1, or
# the Graph SDK console program), started once and driven over stdin/stdout, so a tool's
# timings exclude process start-up and its peak working set is its own.

function Start-BenchWorker {
    # Starts a worker process; Wait-BenchWorker waits for its 'BENCH {"ready":...}' line (so
    # several workers can start at once).
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [Parameter(Mandatory)] [AllowEmptyString()] [string[]] $ArgumentList,
        [Parameter(Mandatory)] [string] $Name,
        [int] $Concurrency = 1
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $worker = [pscustomobject]@{
        Name        = $Name
        Concurrency = $Concurrency
        Process     = $process
        StdErr      = $process.StandardError.ReadToEndAsync()
        Info        = $null
    }
    $worker
}

function Wait-BenchWorker([psobject] $Worker) {
    $ready = Receive-BenchLine $Worker 180
    $Worker.Info = $ready.PSObject.Properties['info']?.Value
}

function Receive-BenchLine([psobject] $Worker, [int] $TimeoutSeconds) {
    # The next 'BENCH ' line of the worker's stdout, parsed; other lines are ignored.
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $remaining = $deadline - [DateTime]::UtcNow
        $task = $Worker.Process.StandardOutput.ReadLineAsync()
        if ($remaining -le [TimeSpan]::Zero -or -not $task.Wait($remaining)) {
            Stop-BenchWorker $Worker -Kill
            throw "Worker '$($Worker.Name)' did not answer within $TimeoutSeconds s."
        }
        $line = $task.Result
        if ($null -eq $line) {
            $Worker.Process.WaitForExit(5000) | Out-Null
            $stderr = $Worker.StdErr.Wait(2000) ? $Worker.StdErr.Result : ''
            throw "Worker '$($Worker.Name)' exited (code $($Worker.Process.ExitCode)). stderr: $stderr"
        }
        if ($line.StartsWith('BENCH ')) { return $line.Substring(6) | ConvertFrom-Json }
    }
}

function Invoke-BenchWorker {
    # One run: revoke users 1..$Users. Returns the worker's answer (seconds, ok, failed, errors,
    # peakWorkingSet, timeline).
    param([psobject] $Worker, [int] $Users, [switch] $Timeline, [int] $TimeoutSeconds = 1800)
    $Worker.Process.StandardInput.WriteLine((@{ users = $Users; timeline = $Timeline.IsPresent; concurrency = $Worker.Concurrency } | ConvertTo-Json -Compress))
    $Worker.Process.StandardInput.Flush()
    Receive-BenchLine $Worker $TimeoutSeconds
}

function Stop-BenchWorker {
    # Closes stdin (the worker ends by itself); kills it only when it lingers or -Kill.
    param([psobject] $Worker, [switch] $Kill)
    $process = $Worker.Process
    try {
        if (-not $process.HasExited) {
            if (-not $Kill) { try { $process.StandardInput.Close() } catch { Write-Verbose "stdin: $_" } }
            if ($Kill -or -not $process.WaitForExit(10000)) { $process.Kill($true); $process.WaitForExit(5000) | Out-Null }
        }
    }
    finally { $process.Dispose() }
}

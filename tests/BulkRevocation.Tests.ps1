# The bulk engine (issue "bulk engine"): many users through one Revoke-EntraUserAllRefreshToken
# under injected faults and rate limits, streaming, Ctrl+C, parallel runspaces, JSON batching
# and the retry budget. Every test runs the real module against graph-emulator with 1,000
# generated users (user000001@contoso.com .. user001000@contoso.com). No test asserts how fast
# anything is (that is bench/); the one bound on Ctrl+C is a generous correctness check.
# Tag Slow marks the test that takes tens of seconds; the full run (no -Tag) includes it.
# The runs under faults and rate limits have a hang guard (Invoke-RevokeGuarded) so that an
# engine that slows to a crawl fails those tests instead of stalling the suite.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $CommandId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand'
    $EnvironmentName = 'BulkTestsEmulator'

    $Emulator = Start-GraphEmulator -Users 1000
    Connect-GraphEmulator -Name $EnvironmentName

    function Get-Upn([int] $Index) { 'user{0:D6}@contoso.com' -f $Index }
    function Get-ObjectId([int] $Index) { '00000000-0000-4000-8000-{0:D12}' -f $Index }
    $AllUpns = @(1..1000 | ForEach-Object { Get-Upn $_ })

    function Invoke-Revoke {
        # Runs a revoke of $UserIds and returns @{ Results; Errors } (errors are non-terminating).
        param([object[]] $UserIds, [hashtable] $Parameters = @{})
        $errors = $null
        $results = $UserIds | Revoke-EntraUserAllRefreshToken @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors
        @{ Results = @($results); Errors = @($errors) }
    }

    function Invoke-RevokeGuarded {
        # Like Invoke-Revoke, but in its own runspace with a hang guard: a run that has not
        # finished after $GuardSeconds is stopped and fails the test. The bound is many times
        # what the run needs; it only keeps a regressed engine from stalling the whole suite.
        param([object[]] $UserIds, [hashtable] $Parameters = @{}, [int] $GuardSeconds = 300)
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Manifest, $UserIds, $Parameters)
                    Import-Module $Manifest
                    $errors = $null
                    $results = $UserIds | Revoke-EntraUserAllRefreshToken @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors
                    [pscustomobject]@{ Results = @($results); Errors = @($errors) }
                }).AddArgument($ManifestPath).AddArgument($UserIds).AddArgument($Parameters)
            $handle = $shell.BeginInvoke()
            if (-not $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($GuardSeconds))) {
                $shell.Stop()
                $stats = Get-GraphEmulatorStat
                throw "The revoke of $($UserIds.Count) users had not finished after $GuardSeconds s (hang guard; $($stats.revokedUsers) revoked, $($stats.totalRequests) requests so far)."
            }
            $run = $shell.EndInvoke($handle) | Select-Object -Last 1
            @{ Results = @($run.Results | Where-Object { $null -ne $_ }); Errors = @($run.Errors | Where-Object { $null -ne $_ }) }
        }
        finally {
            $shell.Dispose()
        }
    }

    function Get-ErrorSummary([object[]] $Errors) {
        # What an error says about a user, in a form two runs can be compared by.
        @($Errors | ForEach-Object { "$($_.TargetObject) => $($_.FullyQualifiedErrorId)" } | Sort-Object)
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Bulk revocation' {
    BeforeEach {
        Reset-GraphEmulator
    }

    Context 'Faults and throttling' {
        It 'revokes 1,000 users under ~30 % injected faults: each user once, no error, no early retry' -Tag Slow {
            # 15 % 429 (with a fractional Retry-After), 5 % 503 and 504 (no Retry-After: backoff),
            # 5 % dropped connections.
            Set-GraphEmulatorFault @{ rate429 = 0.15; retryAfter429 = '0.05'; rate503 = 0.05; rate504 = 0.05; rateDrop = 0.05 } | Out-Null

            $run = Invoke-RevokeGuarded $AllUpns
            $run.Errors | Should -HaveCount 0
            $run.Results | Should -HaveCount 1000
            $run.Results.UserId | Sort-Object -Unique | Should -HaveCount 1000
            Compare-Object $run.Results.UserId $AllUpns | Should -BeNullOrEmpty
            foreach ($result in $run.Results) {
                $result.Value | Should -BeTrue
                $result.Attempts | Should -BeGreaterOrEqual 1
                $result.Duration | Should -BeOfType ([TimeSpan])
            }
            @($run.Results | Where-Object Attempts -GT 1).Count | Should -BeGreaterThan 100 -Because 'about 30 % of the attempts failed'

            $stats = Get-GraphEmulatorStat
            $stats.earlyRetries | Should -Be 0
            $stats.byStatus.'429' | Should -BeGreaterThan 0
            $stats.dropped | Should -BeGreaterThan 0
            $stats.revokedUsers | Should -Be 1000
            $counts = @($stats.revocations.PSObject.Properties.Value)
            $counts | Should -HaveCount 1000
            ($counts | Measure-Object -Minimum).Minimum | Should -BeGreaterOrEqual 1
            $stats.revocations.PSObject.Properties.Name | Should -Contain (Get-ObjectId 1000)
            # A fault here always comes before the operation, so a success is never repeated.
            $stats.totalRevocations | Should -Be 1000
        }

        It 'counts every HTTP attempt in Attempts' {
            Set-GraphEmulatorFault @{ rate503 = 0.3; retryAfter503 = '0.01' } | Out-Null
            $run = Invoke-Revoke $AllUpns[0..199]
            $run.Errors | Should -HaveCount 0
            $run.Results | Should -HaveCount 200
            ($run.Results.Attempts | Measure-Object -Sum).Sum | Should -Be (Get-GraphEmulatorStat).totalRequests
            ($run.Results.Attempts | Measure-Object -Maximum).Maximum | Should -BeGreaterThan 1
        }

        It 'completes 300 users under a rate limit of 100/s (burst 10) with every result and no early retry' {
            Set-GraphEmulatorFault @{ rateLimitPerSecond = 100; rateLimitBurst = 10 } | Out-Null
            $run = Invoke-RevokeGuarded $AllUpns[0..299]
            Get-ErrorSummary $run.Errors | Should -BeNullOrEmpty
            $run.Results | Should -HaveCount 300
            $run.Results.UserId | Sort-Object -Unique | Should -HaveCount 300
            $stats = Get-GraphEmulatorStat
            $stats.earlyRetries | Should -Be 0
            $stats.revokedUsers | Should -Be 300
        }

        It 'never has more requests in flight than -ThrottleLimit <Limit>' -TestCases @(@{ Limit = 4 }, @{ Limit = 32 }) {
            # A new connection: the pace the last test's quota taught this one carries over for a
            # while (Graph's quota is per app and tenant), and would bound the concurrency here.
            Connect-GraphEmulator -Name $EnvironmentName
            Set-GraphEmulatorFault @{ latencyMs = 50 } | Out-Null
            $run = Invoke-Revoke $AllUpns[0..(4 * $Limit - 1)] @{ ThrottleLimit = $Limit }
            $run.Results | Should -HaveCount (4 * $Limit)
            $peak = (Get-GraphEmulatorStat).peakConcurrency
            $peak | Should -BeLessOrEqual $Limit
            $peak | Should -BeGreaterThan 1 -Because 'requests run concurrently'
        }

        It 'lets other users go while one waits out its backoff (-ThrottleLimit 1)' {
            # A 504 has no Retry-After: its user backs off 0.25-0.5 s before the retry. That
            # wait holds no concurrency slot, so with one slot the next request in the log is
            # usually another user's, not the same user's retry.
            Set-GraphEmulatorFault @{ rate504 = 0.2; seed = 7 } | Out-Null
            $run = Invoke-Revoke $AllUpns[0..39] @{ ThrottleLimit = 1 }
            $run.Errors | Should -HaveCount 0
            $run.Results | Should -HaveCount 40
            $log = @(Get-GraphEmulatorRequest | Where-Object path -like '/v1.0/users/*')
            $timeouts = @(0..($log.Count - 2) | Where-Object { $log[$_].status -eq 504 })
            $timeouts.Count | Should -BeGreaterThan 2 -Because 'the fault rate produces several 504s'
            $othersWent = @($timeouts | Where-Object { $log[$_ + 1].path -ne $log[$_].path })
            $othersWent.Count | Should -BeGreaterThan ($timeouts.Count / 2) -Because 'a backoff wait frees the only slot for other users'
        }

        It 'makes one attempt with -MaxRetry 0: a 503 becomes a ResourceUnavailable error with Attempts 1' {
            Set-GraphEmulatorFault @{ rate503 = 1.0 } | Out-Null
            $users = $AllUpns[0..4]
            $run = Invoke-Revoke $users @{ MaxRetry = 0 }
            $run.Results | Should -HaveCount 0
            $run.Errors | Should -HaveCount 5
            foreach ($e in $run.Errors) {
                $e.FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$CommandId"
                $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
                $e.Exception.Attempts | Should -Be 1
                $e.Exception.HttpStatus | Should -Be 503
            }
            $run.Errors.TargetObject | Sort-Object | Should -Be $users
            (Get-GraphEmulatorStat).totalRequests | Should -Be 5
        }

        It 'gives up after -MaxRetry 1 under constant 429: LimitsExceeded after 2 attempts, none early' {
            Set-GraphEmulatorFault @{ rate429 = 1.0; retryAfter429 = '0.05' } | Out-Null
            $users = $AllUpns[0..4]
            $run = Invoke-Revoke $users @{ MaxRetry = 1 }
            $run.Results | Should -HaveCount 0
            $run.Errors | Should -HaveCount 5
            foreach ($e in $run.Errors) {
                $e.FullyQualifiedErrorId | Should -BeExactly "Throttled,$CommandId"
                $e.CategoryInfo.Category | Should -Be 'LimitsExceeded'
                $e.Exception.Attempts | Should -Be 2
                $e.Exception.HttpStatus | Should -Be 429
            }
            $stats = Get-GraphEmulatorStat
            $stats.totalRequests | Should -Be 10
            $stats.earlyRetries | Should -Be 0
        }
    }

    Context 'Streaming and cancellation' {
        It 'streams: the first result reaches the next command before the last input is produced' {
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $state = @{ Produced = 0; ProducedAt = [System.Collections.Generic.List[double]]::new(); FirstOutputAt = $null; ProducedAtFirstOutput = $null }
            $generator = {
                foreach ($i in 1..30) {
                    $state.Produced++
                    $state.ProducedAt.Add($clock.Elapsed.TotalMilliseconds)
                    Get-Upn $i
                    Start-Sleep -Milliseconds 20
                }
            }
            $count = & $generator | Revoke-EntraUserAllRefreshToken | ForEach-Object {
                if ($null -eq $state.FirstOutputAt) {
                    $state.FirstOutputAt = $clock.Elapsed.TotalMilliseconds
                    $state.ProducedAtFirstOutput = $state.Produced
                }
                $_
            } | Measure-Object | ForEach-Object Count
            $count | Should -Be 30
            $state.ProducedAtFirstOutput | Should -BeLessThan 30
            $state.FirstOutputAt | Should -BeLessThan $state.ProducedAt[-1]
        }

        It 'stops promptly on Ctrl+C (PowerShell.Stop) and the same runspace revokes again afterwards' {
            # Each request takes 5 s: if Stop waited for those in flight, their 200s would show.
            Set-GraphEmulatorFault @{ latencyMs = 5000 } | Out-Null
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddScript('param($Manifest, $Users) Import-Module $Manifest; $Users | Revoke-EntraUserAllRefreshToken').
                    AddArgument($ManifestPath).AddArgument($AllUpns[0..299])
                $handle = $shell.BeginInvoke()
                # Wait until requests are on the wire (no fixed sleep): the revoke is under way.
                $waited = [System.Diagnostics.Stopwatch]::StartNew()
                while ((Get-GraphEmulatorStat).inFlight -lt 1 -and $waited.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 20 }
                (Get-GraphEmulatorStat).inFlight | Should -BeGreaterThan 0

                # Stop must not wait for the requests in flight (a wall-clock bound would flake
                # on a loaded machine; an answered request shows that it waited).
                $shell.Stop()
                (Get-GraphEmulatorStat).byStatus.'200' | Should -BeNullOrEmpty -Because 'Stop returned before any request was answered'
                $shell.InvocationStateInfo.State | Should -Be 'Stopped'
                $handle.IsCompleted | Should -BeTrue

                Set-GraphEmulatorFault @{ latencyMs = 0 } | Out-Null
                $shell.Commands.Clear()
                $shell.Streams.ClearStreams()
                $null = $shell.AddScript('param($Users) $Users | Revoke-EntraUserAllRefreshToken').AddArgument($AllUpns[500..509])
                $again = $shell.Invoke()
                $shell.Streams.Error | Should -HaveCount 0
                $again | Should -HaveCount 10
                $again.UserId | Sort-Object | Should -Be $AllUpns[500..509]
                $shell.InvocationStateInfo.State | Should -Be 'Completed'
            }
            finally {
                $shell.Dispose()
            }
        }

        It 'gives each of 4 parallel runspaces exactly its own 50 results' {
            # Connect-Entra is process-wide: the runspaces use the connection made in BeforeAll.
            $manifest = $ManifestPath
            $results = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                Import-Module $using:manifest
                $runspace = $_
                $first = ($runspace - 1) * 50 + 1
                $first..($first + 49) | ForEach-Object { 'user{0:D6}@contoso.com' -f $_ } |
                    Revoke-EntraUserAllRefreshToken |
                    ForEach-Object { [pscustomobject]@{ Runspace = $runspace; UserId = $_.UserId } }
            }
            $results | Should -HaveCount 200
            foreach ($group in $results | Group-Object Runspace) {
                $first = ([int]$group.Name - 1) * 50 + 1
                $group.Group.UserId | Sort-Object | Should -Be $AllUpns[($first - 1)..($first + 48)]
            }
            (Get-GraphEmulatorStat).revokedUsers | Should -Be 200
        }
    }

    Context 'JSON batching (-UseBatch)' {
        It 'gives the same successes and the same errors with and without -UseBatch' {
            $mixed = @($AllUpns[0..19]) + @(21..40 | ForEach-Object { Get-ObjectId $_ }) +
                'nobody@contoso.com', '../me', '00000000-0000-4000-8000-999999999999', 'x?y'

            $single = Invoke-Revoke $mixed
            Reset-GraphEmulator
            $batched = Invoke-Revoke $mixed @{ UseBatch = $true }

            $single.Results | Should -HaveCount 40
            $batched.Results.UserId | Sort-Object | Should -Be ($single.Results.UserId | Sort-Object)
            Get-ErrorSummary $batched.Errors | Should -Be (Get-ErrorSummary $single.Errors)
            Get-ErrorSummary $batched.Errors | Should -Be @(
                "../me => InvalidUserId,$CommandId"
                "00000000-0000-4000-8000-999999999999 => UserNotFound,$CommandId"
                "nobody@contoso.com => UserNotFound,$CommandId"
                "x?y => InvalidUserId,$CommandId"
            )
            foreach ($e in $batched.Errors | Where-Object { $_.CategoryInfo.Category -eq 'ObjectNotFound' }) {
                $e.Exception.HttpStatus | Should -Be 404
            }
        }

        It 'sends POST /v1.0/$batch requests of at most 20 items, and nothing else' {
            $run = Invoke-Revoke $AllUpns[0..99] @{ UseBatch = $true }
            $run.Results | Should -HaveCount 100
            $requests = @(Get-GraphEmulatorRequest)
            $requests.Count | Should -BeGreaterOrEqual 5
            foreach ($request in $requests) {
                $request.method | Should -BeExactly 'POST'
                $request.path | Should -BeExactly '/v1.0/$batch'
                $request.batchItems.Count | Should -BeLessOrEqual 20
                $request.batchItems.Count | Should -BeGreaterOrEqual 1
            }
            $items = @($requests.batchItems)
            $items | Should -HaveCount 100
            $items | Sort-Object | Should -Be @($AllUpns[0..99] | ForEach-Object { "/users/$_/revokeSignInSessions" } | Sort-Object)
        }

        It 'retries throttled batch items on their own Retry-After: every result, no early retry' {
            Set-GraphEmulatorFault @{ rate429 = 0.3; retryAfter429 = '0.05' } | Out-Null
            $run = Invoke-RevokeGuarded $AllUpns[0..299] @{ UseBatch = $true }
            $run.Errors | Should -HaveCount 0
            $run.Results | Should -HaveCount 300
            $run.Results.UserId | Sort-Object -Unique | Should -HaveCount 300
            @($run.Results | Where-Object Attempts -GT 1).Count | Should -BeGreaterThan 0
            $stats = Get-GraphEmulatorStat
            $stats.batchItemsByStatus.'429' | Should -BeGreaterThan 0
            $stats.earlyRetries | Should -Be 0
            $stats.revokedUsers | Should -Be 300
        }
    }
}

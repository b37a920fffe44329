
{{/*
Expand the name of the chart.
*/}}
{{- define "switches.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A name cut to a length limit without losing what tells it apart: a name that fits is kept; a
longer one keeps its first (limit - 9) characters and ends in "-" and the first 8 hex digits
of the whole name's sha256, so two names cut never come out the same.
Usage: include "switches.truncName" (list "a-long-name" 63)
*/}}
{{- define "switches.truncName" -}}
{{- $name := index . 0 }}
{{- $max := int (index . 1) }}
{{- if le (len $name) $max }}
{{- $name }}
{{- else }}
{{- printf "%s-%s" (trunc (int (sub $max 9)) $name | trimSuffix "-") (sha256sum $name | trunc 8) }}
{{- end }}
{{- end }}

{{/*
Create a default fully qualified app name.
Kubernetes names are limited to 63 characters (cut with truncName); a release name that
already contains the chart name is used as is.
*/}}
{{- define "switches.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- include "switches.truncName" (list .Values.fullnameOverride 63) }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- include "switches.truncName" (list .Release.Name 63) }}
{{- else }}
{{- include "switches.truncName" (list (printf "%s-%s" .Release.Name $name) 63) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of an object whose input name did not start with the chart name: kept as written when
the release is named after the chart (so objects that already run are adopted), prefixed
with the fullname otherwise (so two releases never collide), cut with truncName to the
kind's limit: 253 unless given (63 for Services and Jobs, 52 for StatefulSets and CronJobs).
Usage: include "switches.componentName" (list . "redis" 63)
*/}}
{{- define "switches.componentName" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $max := 253 }}
{{- if gt (len .) 2 }}
{{- $max = index . 2 }}
{{- end }}
{{- $fullname := include "switches.fullname" $root }}
{{- if eq $fullname $root.Chart.Name }}
{{- $name }}
{{- else }}
{{- include "switches.truncName" (list (printf "%s-%s" $fullname $name) $max) }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "switches.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "switches.labels" -}}
helm.sh/chart: {{ include "switches.chart" . }}
{{ include "switches.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "switches.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switches.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Namespace of the objects that render into the release namespace: namespaceOverride when set.
*/}}
{{- define "switches.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
An image repository under global.imageRegistry: the registry replaces the repository's own
(its first part when that has a dot or a colon, or is localhost) and is put in front of a
repository that has none (docker.io's short names).
Usage: include "switches.imageRepository" (list $ .Values.image.repository)
*/}}
{{- define "switches.imageRepository" -}}
{{- $root := index . 0 }}
{{- $repo := index . 1 }}
{{- $registry := dig "imageRegistry" "" (default (dict) $root.Values.global) }}
{{- if $registry }}
{{- $parts := splitList "/" $repo }}
{{- $first := first $parts }}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) }}
{{- $repo = rest $parts | join "/" }}
{{- end }}
{{- printf "%s/%s" (trimSuffix "/" $registry) $repo }}
{{- else }}
{{- $repo }}
{{- end }}
{{- end }}


{{/*
Checks on the values that hold even with --skip-schema-validation. templates/validate.yaml
runs them on every render, so a render fails with a message that names the key and the fix.
*/}}
{{- define "switches.validateValues" -}}
{{- if not .Values.image.repository }}
{{- fail "image.repository: set the container image repository" }}
{{- end }}
{{- if and .Values.service.externalTrafficPolicy (not (has (toString .Values.service.type) (list "NodePort" "LoadBalancer"))) }}
{{- fail "service.externalTrafficPolicy: Kubernetes takes it only for NodePort and LoadBalancer Services; set service.type to one of them or empty it" }}
{{- end }}
{{- if and .Values.service.loadBalancerSourceRanges (ne (toString .Values.service.type) "LoadBalancer") }}
{{- fail "service.loadBalancerSourceRanges: Kubernetes takes them only for LoadBalancer Services; set service.type to LoadBalancer or empty them" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.ingress.hosts) }}
{{- fail "ingress.hosts: an enabled ingress needs at least one host; add one or set ingress.enabled=false" }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- if lt (int .Values.autoscaling.minReplicas) 1 }}
{{- fail "autoscaling.minReplicas: must be at least 1" }}
{{- end }}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) }}
{{- fail "autoscaling: minReplicas must not be greater than maxReplicas" }}
{{- end }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (and (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (ne (toString .Values.podDisruptionBudget.minAvailable) "")) (and (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) (ne (toString .Values.podDisruptionBudget.maxUnavailable) "")) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both; Kubernetes refuses a PodDisruptionBudget with both" }}
{{- end }}
{{- if not .Values.tests.image.repository }}
{{- fail "tests.image.repository: set the container image repository" }}
{{- end }}
{{- end }}

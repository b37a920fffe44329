
{{/*
Expand the name of the chart.
*/}}
{{- define "bare-pod.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A name cut to a length limit without losing what tells it apart: a name that fits is kept; a
longer one keeps its first (limit - 9) characters and ends in "-" and the first 8 hex digits
of the whole name's sha256, so two names cut never come out the same.
Usage: include "bare-pod.truncName" (list "a-long-name" 63)
*/}}
{{- define "bare-pod.truncName" -}}
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
{{- define "bare-pod.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- include "bare-pod.truncName" (list .Values.fullnameOverride 63) }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- include "bare-pod.truncName" (list .Release.Name 63) }}
{{- else }}
{{- include "bare-pod.truncName" (list (printf "%s-%s" .Release.Name $name) 63) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of an object whose input name did not start with the chart name: kept as written when
the release is named after the chart (so objects that already run are adopted), prefixed
with the fullname otherwise (so two releases never collide), cut with truncName to the
kind's limit: 253 unless given (63 for Services and Jobs, 52 for StatefulSets and CronJobs).
Usage: include "bare-pod.componentName" (list . "redis" 63)
*/}}
{{- define "bare-pod.componentName" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $max := 253 }}
{{- if gt (len .) 2 }}
{{- $max = index . 2 }}
{{- end }}
{{- $fullname := include "bare-pod.fullname" $root }}
{{- if eq $fullname $root.Chart.Name }}
{{- $name }}
{{- else }}
{{- include "bare-pod.truncName" (list (printf "%s-%s" $fullname $name) $max) }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "bare-pod.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "bare-pod.labels" -}}
helm.sh/chart: {{ include "bare-pod.chart" . }}
{{ include "bare-pod.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "bare-pod.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bare-pod.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Namespace of the objects that render into the release namespace: namespaceOverride when set.
*/}}
{{- define "bare-pod.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
An image repository under global.imageRegistry: the registry replaces the repository's own
(its first part when that has a dot or a colon, or is localhost) and is put in front of a
repository that has none (docker.io's short names).
Usage: include "bare-pod.imageRepository" (list $ .Values.image.repository)
*/}}
{{- define "bare-pod.imageRepository" -}}
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
{{- define "bare-pod.validateValues" -}}
{{- if not .Values.debugShell.image.repository }}
{{- fail "debugShell.image.repository: set the container image repository" }}
{{- end }}
{{- end }}

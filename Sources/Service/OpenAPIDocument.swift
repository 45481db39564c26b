import Dynamics
import Foundation

/// The OpenAPI 3.1 description of the API, served at /openapi.json. A test checks real
/// responses against its schemas (Tests/EndToEnd), so it cannot drift from the code. The
/// run parameters (ChainOptions, the request schemas' parameter properties, the query
/// parameters of /dynamics) and the raw image media types are written from
/// RunParameter.all and ChainRequest.imageMediaTypes into the hand-written rest.
package enum OpenAPIDocument {
    package static let json: String = {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(template.utf8)), var document = parsed as? [String: Any] else {
            preconditionFailure("OpenAPIDocument.template is not a JSON object")
        }
        let shared = RunParameter.all.filter { ParameterSchema.same($0) }
        let own = RunParameter.all.filter { !ParameterSchema.same($0) }
        edit(&document, ["paths", "/dynamics", "post"]) { post in
            post["parameters"] = (post["parameters"] as? [Any] ?? []) + RunParameter.all.map(ParameterSchema.query)
        }
        edit(&document, ["paths", "/dynamics", "post", "requestBody", "content"]) { content in
            for type in ChainRequest.imageMediaTypes { content[type] = ["schema": ["type": "string", "format": "binary"]] }
        }
        edit(&document, ["components", "schemas", "ChainOptions", "properties"]) { properties in
            for parameter in shared { properties[parameter.name] = ParameterSchema.property(parameter, for: .dynamics) }
        }
        for (schema, experiment) in [("DynamicsRequest", RunParameter.Experiment.dynamics), ("SweepRequest", .sweep)] {
            edit(&document, ["components", "schemas", schema, "properties"]) { properties in
                for parameter in own { properties[parameter.name] = ParameterSchema.property(parameter, for: experiment) }
            }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("the OpenAPI document does not serialise")
        }
        return String(decoding: data, as: UTF8.self)
    }()

    /// Applies `change` to the object at `path`, creating the objects on the way.
    private static func edit(_ object: inout [String: Any], _ path: ArraySlice<String>, _ change: (inout [String: Any]) -> Void) {
        guard let key = path.first else { return change(&object) }
        var child = object[key] as? [String: Any] ?? [:]
        edit(&child, path.dropFirst(), change)
        object[key] = child
    }

    private static let template = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "vaedyn",
    "version": "1",
    "description": "Sampling dynamics of VAEs trained on MNIST and Fashion-MNIST, several served at once: the latent state's distances to the concepts (class means of the encoder means) while the chain x(t+1) ~ p(x|z(t)), z(t+1) ~ q(z|x(t+1)) runs from a noisy digit. Record fields are documented in docs/records.md."
  },
  "paths": {
    "/dynamics": {
      "post": {
        "summary": "Run many chains from one noisy input and stream the records",
        "parameters": [
          {"name": "stream", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]}, "description": "false: one JSON document {records: [...]} at the end"},
          {"name": "model", "in": "query", "schema": {"type": "string"}, "description": "id of a served model (GET /models lists them); default the default model"},
          {"name": "label", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "for raw image bodies, the class of the image; the run parameters that follow are the JSON fields as query parameters"}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DynamicsRequest"}}
          }
        },
        "responses": {
          "200": {
            "description": "start, one step per t = 0...T, then summary (or error)",
            "content": {
              "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Record"}},
              "text/event-stream": {"schema": {"type": "string"}},
              "application/json": {"schema": {"$ref": "#/components/schemas/RecordDocument"}}
            }
          },
          "400": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "415": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/sweep": {
      "post": {
        "summary": "The Fig 3 experiment: minimum distances and stage for each noise ratio",
        "parameters": [{"name": "stream", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]}},
          {"name": "model", "in": "query", "schema": {"type": "string"}, "description": "id of a served model (GET /models lists them); default the default model"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SweepRequest"}}}},
        "responses": {
          "200": {
            "description": "start, one point per input and ratio, then summary (or error)",
            "content": {
              "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Record"}},
              "application/json": {"schema": {"$ref": "#/components/schemas/RecordDocument"}}
            }
          },
          "400": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "415": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"},
          "503": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/encode": {
      "post": {
        "summary": "q(z | x) of images: the encoder mean and log-variance of each, from its grey levels, to place it among the concepts",
        "parameters": [{"name": "model", "in": "query", "schema": {"type": "string"}, "description": "id of a served model (GET /models lists them); default the default model"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EncodeRequest"}}}},
        "responses": {
          "200": {"description": "one encoding per image, in order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Encodings"}}}},
          "400": {"$ref": "#/components/responses/Error"},
          "413": {"$ref": "#/components/responses/Error"},
          "415": {"$ref": "#/components/responses/Error"},
          "422": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/concepts": {
      "get": {
        "summary": "Every concept: id, level, count, vector, decoded image, projection",
        "parameters": [{"name": "fields", "in": "query", "schema": {"type": "string"}, "description": "comma-separated subset of vector,image,projection"},
          {"name": "model", "in": "query", "schema": {"type": "string"}, "description": "id of a served model (GET /models lists them); default the default model"}],
        "responses": {
          "200": {"description": "the concepts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Concepts"}}}},
          "422": {"$ref": "#/components/responses/Error"},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/exemplars": {
      "get": {
        "summary": "The test images stored in the model file",
        "parameters": [{"name": "digit", "in": "query", "schema": {"type": "integer", "minimum": 0}},
          {"name": "model", "in": "query", "schema": {"type": "string"}, "description": "id of a served model (GET /models lists them); default the default model"}],
        "responses": {
          "200": {"description": "the exemplars", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Exemplars"}}}},
          "422": {"$ref": "#/components/responses/Error"},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/models": {
      "get": {
        "summary": "Every served model: its /model document, and which one is the default",
        "responses": {
          "200": {"description": "the models", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModelList"}}}},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/model": {
      "get": {
        "summary": "Architecture, training record, metrics and file checksum of one model (default: the default model)",
        "parameters": [{"name": "model", "in": "query", "schema": {"type": "string"}, "description": "id of a served model (GET /models lists them); default the default model"}],
        "responses": {
          "200": {"description": "the model", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Model"}}}},
          "422": {"$ref": "#/components/responses/Error"},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/model/{id}": {
      "get": {
        "summary": "Architecture, training record, metrics and file checksum of the model with this id",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "the model", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Model"}}}},
          "422": {"$ref": "#/components/responses/Error"},
          "500": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/healthz": {
      "get": {
        "summary": "Liveness",
        "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus text: requests and latency by route and status, chains running, chain-steps, queue length",
        "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}
      }
    },
    "/openapi.json": {
      "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}
    }
  },
  "components": {
    "responses": {
      "Error": {"description": "an error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
      },
      "Image": {
        "type": "object",
        "description": "exactly one of pixels (784 numbers in 0..1, MNIST form), png or pgm (base64, any size, brought to MNIST form), exemplar",
        "properties": {
          "pixels": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 784, "maxItems": 784},
          "png": {"type": "string", "contentEncoding": "base64"},
          "pgm": {"type": "string", "contentEncoding": "base64"},
          "exemplar": {"type": "object", "required": ["digit"], "properties": {"digit": {"type": "integer", "minimum": 0}, "index": {"type": "integer", "minimum": 0}}, "additionalProperties": false}
        },
        "additionalProperties": false
      },
      "ChainOptions": {
        "type": "object",
        "description": "the run parameters both endpoints take, as the start record echoes them (docs/records.md), and which model runs",
        "properties": {
          "model": {"type": "string", "description": "id of a served model (GET /models lists them); default the default model"},
          "label": {"type": "integer", "minimum": 0, "description": "class of a given image"}
        }
      },
      "DynamicsRequest": {
        "allOf": [{"$ref": "#/components/schemas/ChainOptions"}],
        "required": ["image"],
        "properties": {
          "image": {"$ref": "#/components/schemas/Image"}
        }
      },
      "SweepRequest": {
        "allOf": [{"$ref": "#/components/schemas/ChainOptions"}],
        "properties": {
          "image": {"$ref": "#/components/schemas/Image"},
          "population": {"type": "object", "properties": {"digits": {"type": "array", "items": {"type": "integer"}}, "perClass": {"type": "integer", "minimum": 1}}},
          "noiseGrid": {"type": "string", "description": "FROM:TO:STEP, default 0:1:0.05"},
          "ratios": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}}
        }
      },
      "Record": {
        "type": "object", "required": ["type", "model"],
        "description": "a number that is not finite is written as null",
        "properties": {
          "type": {"enum": ["start", "step", "point", "summary", "error"]},
          "model": {"type": "string"},
          "t": {"type": "integer"},
          "distance": {"type": "array", "items": {"type": ["number", "null"]}},
          "standardError": {"type": "array", "items": {"type": ["number", "null"]}},
          "nearest": {"type": "string"},
          "levels": {"type": "array", "items": {"type": "string"}, "description": "start record: the levels a stage names, item first"},
          "stage": {"type": ["integer", "null"], "minimum": 1},
          "stageLevel": {"type": ["string", "null"], "description": "the level of the stage: levels[stage - 1]"},
          "stageReference": {"type": ["string", "null"]},
          "classShares": {"type": "array", "items": {"type": ["number", "null"]}},
          "kernel": {"enum": ["gibbs", "clamped", "mwg"], "description": "start record: the chain (docs/kernels.md)"},
          "hiddenPixels": {"type": "integer", "minimum": 1, "description": "start record, kernels clamped and mwg: the pixels parameters.mask hides"},
          "acceptance": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "step record, kernel mwg, t >= 1: the share of proposals accepted"},
          "imputation": {"type": "object", "required": ["error", "accuracy"], "additionalProperties": false,
                         "description": "step record, kernels clamped and mwg: the hidden pixels against the input's",
                         "properties": {"error": {"type": ["number", "null"], "minimum": 0, "maximum": 1}, "accuracy": {"type": ["number", "null"], "minimum": 0, "maximum": 1}}},
          "norm": {"$ref": "#/components/schemas/Estimate", "description": "step record: |mu(t)| (|z(t)| with measure sample) over the trials"},
          "controls": {"type": "array", "description": "start record: per reference, its control point (same norm, a fixed random direction in the active units)",
                       "items": {"type": "object", "required": ["id", "of", "norm"], "additionalProperties": false,
                                 "properties": {"id": {"type": "string"}, "of": {"type": "string"}, "norm": {"type": ["number", "null"]}}}},
          "controlUnits": {"type": "array", "items": {"type": "integer", "minimum": 0}, "description": "start record: the latent units the controls lie in"},
          "controlDistance": {"type": "array", "items": {"type": ["number", "null"]}, "description": "step record: per reference, the distance to its control"},
          "controlStandardError": {"type": "array", "items": {"type": ["number", "null"]}},
          "approach": {"type": "array", "items": {"$ref": "#/components/schemas/Estimate"},
                       "description": "step record, aggregate trials: per reference, (d(0) - d(t)) - (c(0) - c(t)) paired over trials: the approach beyond the control"},
          "contrast": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/Estimate"}, {"type": "null"}]},
                       "description": "step record with contrast: per reference, mean distance to the others of its level minus the distance to it; null without peers"},
          "contrastChange": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/Estimate"}, {"type": "null"}]}},
          "memoryDistance": {"$ref": "#/components/schemas/Estimate", "description": "step record with memory: distance to the nearest training memory"},
          "stageSupport": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "share of 200 paired bootstrap resamples of the trials giving the same stage"},
          "stageDecided": {"type": ["boolean", "null"], "description": "stageSupport >= 0.95; an undecided stage is not counted in stageCounts"},
          "retention": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "step record, the input's class known: the share of trials nearest their own class concept at every step so far"},
          "escape": {"type": "object", "additionalProperties": false, "description": "dynamics summary, the input's class known: the step by which half the trials had left their class, and its 95 % interval; null past the last step",
                     "properties": {"median": {"type": ["integer", "null"]}, "low": {"type": ["integer", "null"]}, "high": {"type": ["integer", "null"]}}},
          "undecidedCounts": {"type": "array", "items": {"type": "integer", "minimum": 0}, "description": "sweep summary: per ratio, the inputs whose stage is undecided"},
          "done": {"type": "boolean"},
          "message": {"type": "string"}
        }
      },
      "Estimate": {
        "type": "object", "required": ["mean", "standardError"], "additionalProperties": false,
        "description": "a mean over trials and its standard error",
        "properties": {"mean": {"type": ["number", "null"]}, "standardError": {"type": ["number", "null"], "minimum": 0}}
      },
      "EncodeRequest": {
        "type": "object",
        "description": "image, or images (at most limits.maxSweepInputs)",
        "properties": {
          "model": {"type": "string", "description": "id of a served model; default the default model"},
          "image": {"$ref": "#/components/schemas/Image"},
          "images": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}, "minItems": 1}
        },
        "additionalProperties": false
      },
      "Encodings": {
        "type": "object", "required": ["model", "latentSize", "encodings"],
        "properties": {
          "model": {"type": "string"},
          "latentSize": {"type": "integer"},
          "encodings": {"type": "array", "items": {
            "type": "object", "required": ["source", "mean", "logVariance"],
            "properties": {
              "source": {"type": "string"}, "label": {"type": "integer"}, "testIndex": {"type": "integer"},
              "mean": {"type": "array", "items": {"type": "number"}}, "logVariance": {"type": "array", "items": {"type": "number"}}
            },
            "additionalProperties": false
          }}
        },
        "additionalProperties": false
      },
      "RecordDocument": {
        "type": "object", "required": ["records"],
        "properties": {"records": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}}
      },
      "Concepts": {
        "type": "object", "required": ["model", "latentSize", "levels", "tree", "concepts"],
        "properties": {
          "model": {"type": "string"},
          "latentSize": {"type": "integer"},
          "levels": {"type": "array", "items": {"type": "string"}, "minItems": 3, "description": "the levels a stage names, item (the input's own pattern) first, the root's last; stage k is levels[k-1]"},
          "tree": {"$ref": "#/components/schemas/ConceptTree"},
          "concepts": {"type": "array", "items": {
            "type": "object", "required": ["id", "label", "level", "children", "count"],
            "properties": {
              "id": {"type": "string"}, "label": {"type": "string"}, "level": {"type": "string"}, "parent": {"type": "string"},
              "children": {"type": "array", "items": {"type": "string"}, "description": "ids of the concepts whose parent this is"},
              "count": {"type": "integer"},
              "vector": {"type": "array", "items": {"type": "number"}},
              "image": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}},
              "projection": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
            },
            "additionalProperties": false
          }}
        },
        "additionalProperties": false
      },
      "Exemplars": {
        "type": "object", "required": ["model", "exemplars"],
        "properties": {
          "model": {"type": "string"},
          "exemplars": {"type": "array", "items": {
            "type": "object", "required": ["digit", "index", "testIndex", "pixels"],
            "properties": {
              "digit": {"type": "integer"}, "index": {"type": "integer"}, "testIndex": {"type": "integer"},
              "pixels": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}, "minItems": 784, "maxItems": 784}
            },
            "additionalProperties": false
          }}
        },
        "additionalProperties": false
      },
      "Model": {
        "type": "object", "required": ["id", "isDefault", "dataset", "architecture", "classNames", "concepts", "conceptTree", "file", "residentBytes", "limits", "choices"],
        "properties": {
          "id": {"type": "string"},
          "isDefault": {"type": "boolean", "description": "the model a request gets when it names none"},
          "conceptTree": {"type": "object", "required": ["levels", "conceptsPerLevel", "source"], "description": "levels from the class to the root, how many concepts each holds, and where the groups came from",
            "properties": {"levels": {"type": "array", "items": {"type": "string"}}, "conceptsPerLevel": {"type": "array", "items": {"type": "integer", "minimum": 1}},
              "source": {"enum": ["paper", "semantic", "learned"]}}},
          "residentBytes": {"type": "integer", "minimum": 0, "description": "resident memory the service grew by when it loaded this model"},
          "dataset": {"type": "string"},
          "architecture": {"type": "object", "required": ["inputSize", "hiddenSize", "latentSize", "activation"],
            "properties": {"inputSize": {"type": "integer"}, "hiddenSize": {"type": "integer"}, "latentSize": {"type": "integer"},
              "activation": {"enum": ["tanh", "relu"], "description": "the hidden layers' nonlinearity"}}},
          "classNames": {"type": "array", "items": {"type": "string"}},
          "training": {"type": "object"},
          "imported": {"type": "object", "description": "present when the weights were trained elsewhere and read by vaedyn import",
            "required": ["file", "sha256", "layout", "orientation", "tensors", "command"],
            "properties": {"file": {"type": "string"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
              "layout": {"type": "string", "description": "ours, pytorch-examples, or the mapping file's name"},
              "mappingSHA256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "orientation": {"enum": ["out-in", "in-out"]},
              "tensors": {"type": "object", "additionalProperties": {"type": "string"}}, "command": {"type": "string"}}},
          "metrics": {"type": "object", "properties": {
            "negativeELBO": {"type": "number"}, "negativeLogLikelihood": {"type": "number"}, "importanceSamples": {"type": "integer"},
            "activeUnits": {"type": "integer"}, "testImages": {"type": "integer"}}},
          "concepts": {"type": "array", "items": {"type": "object"}},
          "exemplarCount": {"type": "integer"},
          "projectionVariance": {"type": "array", "items": {"type": "number"}},
          "file": {"type": "object", "required": ["name", "bytes", "sha256"],
            "properties": {"name": {"type": "string"}, "bytes": {"type": "integer"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}},
          "limits": {"type": "object", "description": "what one request may ask of this server (its limits.* settings); beyond them /dynamics and /sweep answer 422",
            "required": ["maxSteps", "maxTrials", "maxChainSteps", "maxSweepPoints", "maxSweepInputs"],
            "properties": {
              "maxSteps": {"type": "integer", "minimum": 1, "description": "most steps T"},
              "maxTrials": {"type": "integer", "minimum": 1, "description": "most trials"},
              "maxChainSteps": {"type": "integer", "minimum": 1, "description": "most (steps + 1) x trials, x noise ratios x inputs for a sweep"},
              "maxSweepPoints": {"type": "integer", "minimum": 1, "description": "most noise ratios in one sweep"},
              "maxSweepInputs": {"type": "integer", "minimum": 1, "description": "most inputs in one sweep"}
            },
            "additionalProperties": false},
          "choices": {"type": "object", "description": "the names the request fields take, as this server knows them (the page's lists come from here)",
            "required": ["noiseKinds", "kernels", "maskHalves"],
            "properties": {
              "noiseKinds": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "noise.kind"},
              "kernels": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "kernel"},
              "maskHalves": {"type": "array", "items": {"type": "string"}, "description": "mask names without parameters (random:F[:SEED] and square:X,Y,W,H take some)"}
            },
            "additionalProperties": false}
        }
      },
      "ConceptTree": {
        "type": "object", "required": ["levels", "source"],
        "description": "paper: the two levels class and all; semantic: groups from a tree file in the repository; learned: average-linkage clustering of the class concepts, cut at the given cluster counts",
        "properties": {
          "levels": {"type": "array", "items": {"type": "string"}, "minItems": 2},
          "source": {"enum": ["paper", "semantic", "learned"]},
          "semantic": {"type": "object", "required": ["file", "sha256", "groups"], "properties": {"file": {"type": "string"}, "sha256": {"type": "string"}, "groups": {"type": "array", "items": {"type": "string"}}}},
          "learned": {"type": "object", "required": ["distance", "linkage", "clusterCounts"], "properties": {"distance": {"type": "string"}, "linkage": {"type": "string"}, "clusterCounts": {"type": "array", "items": {"type": "integer", "minimum": 1}}}}
        },
        "additionalProperties": false
      },
      "ModelList": {
        "type": "object", "required": ["defaultModel", "models"],
        "properties": {"defaultModel": {"type": "string"}, "models": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}, "minItems": 1}},
        "additionalProperties": false
      },
      "Health": {
        "type": "object", "required": ["status", "model", "models", "computationsRunning", "computationsWaiting"],
        "properties": {"status": {"const": "ok"}, "model": {"type": "string", "description": "the default model"}, "models": {"type": "array", "items": {"type": "string"}}, "computationsRunning": {"type": "integer"}, "computationsWaiting": {"type": "integer"}},
        "additionalProperties": false
      }
    }
  }
}
"""#
}

"""The emulator's models: input schemas shaped like the ones Replicate publishes.

Each model says how it answers (`output`: "list", "url", "data_url", "text" for a plain string, or
"tokens" for a list of strings to be joined, as streaming language models answer),
what it makes (`media`: "image", "video", "audio" or "text"), in which format, and what it does with
its inputs (`task`: "generate" draws from the prompt, else "upscale", "edit", "caption", "music",
"speech"; see `kinds`). The schemas use the same devices real Cog
models use: `x-order`, enums behind `allOf: [{$ref}]`, `format: uri` image inputs under
different names, integers and numbers with bounds, booleans, arrays, defaults and `required`.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from media_gen.emulator import audio, media


@dataclass(frozen=True)
class EmulatedModel:
    owner: str
    name: str
    description: str
    media: str  # "image", "video", "audio" or "text"
    output: str  # "list", "url", "data_url", "text" or "tokens"
    file_format: str  # png, jpeg, webp, mp4, wav, mp3, txt ("" for text answers)
    properties: dict[str, dict[str, Any]]
    required: tuple[str, ...] = ("prompt",)
    enums: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_count: int = 0
    task: str = "generate"
    # A model whose output the app must refuse: runnable by id, listed only when the emulator is
    # started with test doubles on, so demo mode's model picker does not offer it.
    test_double: bool = False

    @property
    def id(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def version_id(self) -> str:
        return hashlib.sha256(f"version:{self.id}:1".encode()).hexdigest()

    def openapi_schema(self) -> dict[str, Any]:
        schemas: dict[str, Any] = {
            "Input": {
                "type": "object",
                "title": "Input",
                "required": list(self.required),
                "properties": self.properties,
            },
            "Output": self._output_schema(),
            "Status": {
                "enum": ["starting", "processing", "succeeded", "canceled", "failed"],
                "type": "string",
                "title": "Status",
            },
        }
        schemas.update(self.enums)
        return {
            "openapi": "3.0.2",
            "info": {"title": "Cog", "version": "0.1.0"},
            "paths": {},
            "components": {"schemas": schemas},
        }

    def _output_schema(self) -> dict[str, Any]:
        if self.output == "list":
            return {"type": "array", "items": {"type": "string", "format": "uri"}, "title": "Output"}
        if self.output == "text":
            return {"type": "string", "title": "Output"}
        if self.output == "tokens":  # Cog's `Iterator[str]`, shown joined
            return {
                "type": "array",
                "items": {"type": "string"},
                "title": "Output",
                "x-cog-array-type": "iterator",
                "x-cog-array-display": "concatenate",
            }
        return {"type": "string", "format": "uri", "title": "Output"}

    def as_json(self, base_url: str) -> dict[str, Any]:
        return {
            "url": f"https://replicate.com/{self.id}",
            "owner": self.owner,
            "name": self.name,
            "description": self.description,
            "visibility": "public",
            "github_url": None,
            "paper_url": None,
            "license_url": None,
            "run_count": self.run_count,
            # A data: URL, not a link to the emulator: the web app's page then needs no other origin
            # (its Content-Security-Policy allows data: images). GET /covers/... still serves it.
            "cover_image_url": media.cover_data_url(self.id),
            "default_example": None,
            "latest_version": {
                "id": self.version_id,
                "created_at": "2025-01-15T12:00:00.000000Z",
                "cog_version": "0.13.6",
                "openapi_schema": self.openapi_schema(),
            },
        }


def _enum(title: str, values: list[Any], type_: str = "string") -> dict[str, Any]:
    return {"enum": values, "type": type_, "title": title, "description": "An enumeration."}


def _ref(name: str, order: int, default: Any, description: str) -> dict[str, Any]:
    return {
        "allOf": [{"$ref": f"#/components/schemas/{name}"}],
        "default": default,
        "description": description,
        "x-order": order,
    }


def _prompt(order: int = 0) -> dict[str, Any]:
    return {"type": "string", "title": "Prompt", "x-order": order, "description": "Text prompt"}


def _image_input(title: str, order: int, description: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "format": "uri", "x-order": order, "description": description}


def _video_input(order: int, description: str) -> dict[str, Any]:
    return {"type": "string", "title": "Video", "format": "uri", "x-order": order, "description": description}


def _seed(order: int) -> dict[str, Any]:
    return {
        "type": "integer",
        "title": "Seed",
        "x-order": order,
        "description": "Random seed. Leave blank to randomize the seed",
    }


ASPECT_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"]

MODELS: tuple[EmulatedModel, ...] = (
    EmulatedModel(
        owner="black-forest-labs",
        name="flux-schnell",
        description="The fastest image generation model tailored for local development and personal use",
        media="image",
        output="list",
        file_format="webp",
        run_count=412_000_000,
        properties={
            "prompt": _prompt(0),
            "aspect_ratio": _ref("aspect_ratio", 1, "1:1", "Aspect ratio for the generated image"),
            "num_outputs": {
                "type": "integer",
                "title": "Num Outputs",
                "default": 1,
                "minimum": 1,
                "maximum": 4,
                "x-order": 2,
                "description": "Number of outputs to generate",
            },
            "num_inference_steps": {
                "type": "integer",
                "title": "Num Inference Steps",
                "default": 4,
                "minimum": 1,
                "maximum": 4,
                "x-order": 3,
                "description": "Number of denoising steps. 4 is recommended",
            },
            "seed": _seed(4),
            "output_format": _ref("output_format", 5, "webp", "Format of the output images"),
            "output_quality": {
                "type": "integer",
                "title": "Output Quality",
                "default": 80,
                "minimum": 0,
                "maximum": 100,
                "x-order": 6,
                "description": "Quality when saving the output images, from 0 to 100",
            },
            "go_fast": {
                "type": "boolean",
                "title": "Go Fast",
                "default": True,
                "x-order": 7,
                "description": "Run faster predictions with an fp8 quantized model",
            },
            "disable_safety_checker": {
                "type": "boolean",
                "title": "Disable Safety Checker",
                "default": False,
                "x-order": 8,
                "description": "Disable safety checker for generated images.",
            },
        },
        enums={
            "aspect_ratio": _enum("aspect_ratio", ASPECT_RATIOS),
            "output_format": _enum("output_format", ["webp", "jpg", "png"]),
        },
    ),
    EmulatedModel(
        owner="stability-ai",
        name="sdxl",
        description="A text-to-image generative AI model that creates beautiful images",
        media="image",
        output="list",
        file_format="png",
        run_count=79_000_000,
        properties={
            "prompt": {**_prompt(0), "default": "An astronaut riding a rainbow unicorn"},
            "negative_prompt": {
                "type": "string",
                "title": "Negative Prompt",
                "default": "",
                "x-order": 1,
                "description": "Input Negative Prompt",
            },
            "image": {
                "type": "string",
                "title": "Image",
                "format": "uri",
                "x-order": 2,
                "description": "Input image for img2img or inpaint mode",
            },
            "width": {
                "type": "integer",
                "title": "Width",
                "default": 1024,
                "minimum": 128,
                "maximum": 2048,
                "x-order": 3,
                "description": "Width of output image",
            },
            "height": {
                "type": "integer",
                "title": "Height",
                "default": 1024,
                "minimum": 128,
                "maximum": 2048,
                "x-order": 4,
                "description": "Height of output image",
            },
            "num_outputs": {
                "type": "integer",
                "title": "Num Outputs",
                "default": 1,
                "minimum": 1,
                "maximum": 4,
                "x-order": 5,
                "description": "Number of images to output.",
            },
            "scheduler": _ref("scheduler", 6, "K_EULER", "scheduler"),
            "num_inference_steps": {
                "type": "integer",
                "title": "Num Inference Steps",
                "default": 50,
                "minimum": 1,
                "maximum": 500,
                "x-order": 7,
                "description": "Number of denoising steps",
            },
            "guidance_scale": {
                "type": "number",
                "title": "Guidance Scale",
                "default": 7.5,
                "minimum": 1,
                "maximum": 50,
                "x-order": 8,
                "description": "Scale for classifier-free guidance",
            },
            "seed": _seed(9),
            "apply_watermark": {
                "type": "boolean",
                "title": "Apply Watermark",
                "default": True,
                "x-order": 10,
                "description": "Applies a watermark to enable determining if an image is generated",
            },
        },
        required=(),
        enums={
            "scheduler": _enum(
                "scheduler",
                [
                    "DDIM",
                    "DPMSolverMultistep",
                    "HeunDiscrete",
                    "KarrasDPM",
                    "K_EULER_ANCESTRAL",
                    "K_EULER",
                    "PNDM",
                ],
            )
        },
    ),
    EmulatedModel(
        owner="ideogram-ai",
        name="ideogram-v2-turbo",
        description="A fast image model with state of the art inpainting, prompt comprehension and text rendering",
        media="image",
        output="url",
        file_format="png",
        run_count=6_100_000,
        properties={
            "prompt": _prompt(0),
            "aspect_ratio": _ref("aspect_ratio", 1, "1:1", "Aspect ratio. Ignored if a resolution is set."),
            "style_type": _ref(
                "style_type", 2, "None", "The styles help define the specific aesthetic of the image"
            ),
            "magic_prompt_option": _ref(
                "magic_prompt_option", 3, "Auto", "Magic Prompt will interpret your prompt"
            ),
            "negative_prompt": {
                "type": "string",
                "title": "Negative Prompt",
                "x-order": 4,
                "description": "Things you do not want to see in the generated image.",
            },
            "seed": {**_seed(5), "minimum": 0, "maximum": 2147483647},
        },
        enums={
            "aspect_ratio": _enum("aspect_ratio", ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"]),
            "style_type": _enum(
                "style_type", ["None", "Auto", "General", "Realistic", "Design", "Render 3D", "Anime"]
            ),
            "magic_prompt_option": _enum("magic_prompt_option", ["Auto", "On", "Off"]),
        },
    ),
    EmulatedModel(
        owner="simpoc-demo",
        name="pixel-sketch",
        description="A tiny demo model that answers with a data: URL, the way some small models do",
        media="image",
        output="data_url",
        file_format="jpeg",
        run_count=1_200,
        properties={
            "prompt": _prompt(0),
            "palette": {
                "type": "array",
                "title": "Palette",
                "items": {"type": "string"},
                "default": [],
                "x-order": 1,
                "description": "Colour names to favour",
            },
            "seed": _seed(2),
        },
    ),
    EmulatedModel(
        owner="minimax",
        name="video-01",
        description="Generate 6s videos with prompts or images. (Also known as Hailuo)",
        media="video",
        output="url",
        file_format="mp4",
        run_count=1_900_000,
        properties={
            "prompt": _prompt(0),
            "prompt_optimizer": {
                "type": "boolean",
                "title": "Prompt Optimizer",
                "default": True,
                "x-order": 1,
                "description": "Use prompt optimizer",
            },
            "first_frame_image": {
                "type": "string",
                "title": "First Frame Image",
                "format": "uri",
                "x-order": 2,
                "description": "First frame image for video generation",
            },
            "subject_reference": {
                "type": "string",
                "title": "Subject Reference",
                "format": "uri",
                "x-order": 3,
                "description": "An optional character reference image to use as the subject in the video",
            },
        },
    ),
    EmulatedModel(
        owner="tencent",
        name="hunyuan-video",
        description="A state-of-the-art text-to-video generation model",
        media="video",
        output="url",
        file_format="mp4",
        run_count=110_000,
        properties={
            "prompt": {**_prompt(0), "default": "A cat walks on the grass, realistic style."},
            "width": {
                "type": "integer",
                "title": "Width",
                "default": 864,
                "minimum": 16,
                "maximum": 1280,
                "x-order": 1,
                "description": "Width of the video in pixels (must be divisible by 16)",
            },
            "height": {
                "type": "integer",
                "title": "Height",
                "default": 480,
                "minimum": 16,
                "maximum": 1280,
                "x-order": 2,
                "description": "Height of the video in pixels (must be divisible by 16)",
            },
            "video_length": {
                "type": "integer",
                "title": "Video Length",
                "default": 129,
                "minimum": 1,
                "maximum": 200,
                "x-order": 3,
                "description": "Number of frames to generate (must be 4k+1, ex: 49 or 129)",
            },
            "infer_steps": {
                "type": "integer",
                "title": "Infer Steps",
                "default": 50,
                "minimum": 1,
                "x-order": 4,
                "description": "Number of denoising steps",
            },
            "embedded_guidance_scale": {
                "type": "number",
                "title": "Embedded Guidance Scale",
                "default": 6,
                "minimum": 1,
                "maximum": 10,
                "x-order": 5,
                "description": "Guidance scale",
            },
            "fps": {
                "type": "integer",
                "title": "Fps",
                "default": 24,
                "minimum": 1,
                "x-order": 6,
                "description": "Frames per second of the output video",
            },
            "seed": _seed(7),
        },
        required=(),
    ),
    EmulatedModel(
        owner="wavespeedai",
        name="wan-2.1-t2v-480p",
        description="Accelerated inference for Wan 2.1 14B text to video, a comprehensive and open suite of video models",
        media="video",
        output="url",
        file_format="mp4",
        run_count=380_000,
        properties={
            "prompt": _prompt(0),
            "aspect_ratio": _ref("aspect_ratio", 1, "16:9", "Aspect ratio of the output video"),
            "num_frames": {
                "type": "integer",
                "title": "Num Frames",
                "default": 81,
                "minimum": 81,
                "maximum": 100,
                "x-order": 2,
                "description": "Number of video frames. 81 frames give the best results",
            },
            "fast_mode": _ref(
                "fast_mode", 3, "Balanced", "Speed up generation with different levels of acceleration"
            ),
            "sample_shift": {
                "type": "number",
                "title": "Sample Shift",
                "default": 5,
                "minimum": 1,
                "maximum": 10,
                "x-order": 4,
                "description": "Sample shift factor",
            },
            "seed": _seed(5),
        },
        enums={
            "aspect_ratio": _enum("aspect_ratio", ["16:9", "9:16"]),
            "fast_mode": _enum("fast_mode", ["Off", "Balanced", "Fast"]),
        },
    ),
    EmulatedModel(
        owner="kwaivgi",
        name="kling-v1.6-standard",
        description="Generate 5s and 10s videos in 720p resolution",
        media="video",
        output="url",
        file_format="mp4",
        run_count=890_000,
        properties={
            "prompt": _prompt(0),
            "negative_prompt": {
                "type": "string",
                "title": "Negative Prompt",
                "default": "",
                "x-order": 1,
                "description": "Things you do not want to see in the video",
            },
            "aspect_ratio": _ref(
                "aspect_ratio", 2, "16:9", "Aspect ratio of the video. Ignored if start_image is provided."
            ),
            "start_image": {
                "type": "string",
                "title": "Start Image",
                "format": "uri",
                "x-order": 3,
                "description": "First frame of the video",
            },
            "reference_images": {
                "type": "array",
                "title": "Reference Images",
                "items": {"type": "string", "format": "uri"},
                "x-order": 4,
                "description": "Reference images to use in video generation",
            },
            "cfg_scale": {
                "type": "number",
                "title": "Cfg Scale",
                "default": 0.5,
                "minimum": 0,
                "maximum": 1,
                "x-order": 5,
                "description": "Flexibility in video generation; higher is closer to the prompt",
            },
            "duration": _ref("duration", 6, 5, "Duration of the video in seconds"),
        },
        enums={
            "aspect_ratio": _enum("aspect_ratio", ["16:9", "9:16", "1:1"]),
            "duration": _enum("duration", [5, 10], "integer"),
        },
    ),
    EmulatedModel(
        owner="stability-ai",
        name="stable-video-diffusion",
        description="SVD is a research-only image to video model",
        media="video",
        output="url",
        file_format="mp4",
        run_count=1_300_000,
        properties={
            "input_image": {
                "type": "string",
                "title": "Input Image",
                "format": "uri",
                "x-order": 0,
                "description": "Input image",
            },
            "video_length": _ref(
                "video_length",
                1,
                "14_frames_with_svd",
                "Use svd to generate 14 frames or svd_xt for 25 frames",
            ),
            "sizing_strategy": _ref(
                "sizing_strategy", 2, "maintain_aspect_ratio", "Decide how to resize the input image"
            ),
            "frames_per_second": {
                "type": "integer",
                "title": "Frames Per Second",
                "default": 6,
                "minimum": 5,
                "maximum": 30,
                "x-order": 3,
                "description": "Number of frames per second",
            },
            "motion_bucket_id": {
                "type": "integer",
                "title": "Motion Bucket Id",
                "default": 127,
                "minimum": 1,
                "maximum": 255,
                "x-order": 4,
                "description": "Increase overall motion in the generated video",
            },
            "cond_aug": {
                "type": "number",
                "title": "Cond Aug",
                "default": 0.02,
                "x-order": 5,
                "description": "Amount of noise to add to input image",
            },
            "seed": _seed(6),
        },
        required=("input_image",),
        enums={
            "video_length": _enum("video_length", ["14_frames_with_svd", "25_frames_with_svd_xt"]),
            "sizing_strategy": _enum(
                "sizing_strategy", ["maintain_aspect_ratio", "crop_to_16_9", "use_image_dimensions"]
            ),
        },
    ),
    EmulatedModel(
        owner="wavespeedai",
        name="wan-2.1-i2v-480p",
        description="Accelerated inference for Wan 2.1 14B image to video",
        media="video",
        output="list",
        file_format="mp4",
        run_count=520_000,
        properties={
            "image": {
                "type": "string",
                "title": "Image",
                "format": "uri",
                "x-order": 0,
                "description": "Image for use as the initial frame of the video.",
            },
            "prompt": _prompt(1),
            "num_frames": {
                "type": "integer",
                "title": "Num Frames",
                "default": 81,
                "minimum": 81,
                "maximum": 100,
                "x-order": 2,
                "description": "Number of video frames",
            },
            "max_area": _ref("max_area", 3, "832x480", "Maximum area of generated image"),
            "fast_mode": _ref("fast_mode", 4, "Balanced", "Speed up generation"),
            "seed": _seed(5),
        },
        required=("image", "prompt"),
        enums={
            "max_area": _enum("max_area", ["832x480", "480x832"]),
            "fast_mode": _enum("fast_mode", ["Off", "Balanced", "Fast"]),
        },
    ),
    EmulatedModel(
        owner="simpoc-demo",
        name="restyle-video",
        description="Demo video-to-video model: regrades the input video in a chosen style, frame for frame",
        media="video",
        output="url",
        file_format="mp4",
        run_count=1_200,
        properties={
            "video": {
                "type": "string",
                "title": "Video",
                "format": "uri",
                "x-order": 0,
                "description": "The video to restyle (MP4); the output keeps its size, frames and rate.",
            },
            "prompt": _prompt(1),
            "style": _ref("style", 2, "cinematic", "Look of the output"),
            "seed": _seed(3),
        },
        required=("video",),
        enums={"style": _enum("style", ["cinematic", "vintage", "noir", "vivid"])},
    ),
    # --- one model per newer collection (issue 15): outputs made from, and checkable against, inputs
    EmulatedModel(
        owner="emulator",
        name="upscaler",
        description="Demo super-resolution: the input image at 2x or 4x its size, the same picture",
        media="image",
        output="url",
        file_format="png",
        run_count=1_200,
        task="upscale",
        properties={
            "image": _image_input("Image", 0, "Input image"),
            "scale": _ref("scale", 1, 4, "Factor to scale the image by"),
        },
        required=("image",),
        enums={"scale": _enum("scale", [2, 4], "integer")},
    ),
    EmulatedModel(
        owner="emulator",
        name="image-editor",
        description="Demo image editing: changes the input image the way the instruction says (colour, mirror, blur...)",
        media="image",
        output="url",
        file_format="png",
        run_count=1_200,
        task="edit",
        properties={
            "prompt": {
                **_prompt(0),
                "description": "Text instruction on what to change, e.g. 'make it blue and mirror it'",
            },
            "input_image": _image_input("Input Image", 1, "Image to edit (jpeg, png, gif or webp)"),
            "output_format": _ref("output_format", 2, "png", "Output format for the generated image"),
            "seed": _seed(3),
        },
        required=("prompt", "input_image"),
        enums={"output_format": _enum("output_format", ["png", "jpg", "webp"])},
    ),
    EmulatedModel(
        owner="emulator",
        name="captioner",
        description="Demo video captioning: describes the input video's length, size, frame rate and colour in words",
        media="text",
        output="text",
        file_format="",
        run_count=1_200,
        task="caption",
        properties={"video": _video_input(0, "Input video to describe")},
        required=("video",),
    ),
    EmulatedModel(
        owner="emulator",
        name="music",
        description="Demo music generation: a tune with one note per word of the prompt, as long as asked",
        media="audio",
        output="url",
        file_format="wav",
        run_count=1_200,
        task="music",
        properties={
            "prompt": {**_prompt(0), "description": "A description of the music you want to generate."},
            "duration": {
                "type": "integer",
                "title": "Duration",
                "default": 8,
                "minimum": 1,
                "maximum": 30,
                "x-order": 1,
                "description": "Duration of the generated audio in seconds.",
            },
            "output_format": _ref("output_format", 2, "wav", "Output format for generated audio."),
            "seed": _seed(3),
        },
        enums={"output_format": _enum("output_format", ["wav", "mp3"])},
    ),
    EmulatedModel(
        owner="emulator",
        name="speech",
        description="Demo text to speech: a voice-like WAV with one formant-shaped burst per syllable of the text",
        media="audio",
        output="url",
        file_format="wav",
        run_count=1_200,
        task="speech",
        properties={
            "text": {
                "type": "string",
                "title": "Text",
                "x-order": 0,
                "description": "Text input. Long text is cut at two minutes of speech.",
            },
            "voice": _ref("voice", 1, "af_bella", "Voice to use for synthesis"),
            "speed": {
                "type": "number",
                "title": "Speed",
                "default": 1,
                "minimum": 0.5,
                "maximum": 2,
                "x-order": 2,
                "description": "Speech speed multiplier (0.5-2)",
            },
        },
        required=("text",),
        enums={"voice": _enum("voice", list(audio.VOICES))},
    ),
    EmulatedModel(
        owner="emulator",
        name="captioner-stream",
        description="Demo video captioning that answers as a list of tokens, the way streaming language models do",
        media="text",
        output="tokens",
        file_format="",
        run_count=600,
        task="caption",
        properties={
            "video": _video_input(0, "Input video to describe"),
            "max_new_tokens": {
                "type": "integer",
                "title": "Max New Tokens",
                "default": 128,
                "minimum": 1,
                "maximum": 1024,
                "x-order": 1,
                "description": "Maximum number of tokens to generate",
            },
        },
        required=("video",),
    ),
    # --- test doubles: models whose output cannot be stored as their collection says (issue 15 item 9)
    EmulatedModel(
        owner="emulator",
        name="bad-captioner",
        description="Test double: a captioning model that answers a file URL (a .txt) where text belongs",
        media="text",
        output="url",
        file_format="txt",
        task="caption",
        properties={"video": _video_input(0, "Input video to describe")},
        required=("video",),
        test_double=True,
    ),
    EmulatedModel(
        owner="emulator",
        name="bad-music",
        description="Test double: a music model whose .mp3 output (served as audio/mpeg) is really an HTML page",
        media="audio",
        output="url",
        file_format="mp3",
        task="music-html",
        properties={
            "prompt": {**_prompt(0), "description": "A description of the music you want to generate."},
        },
        test_double=True,
    ),
)

COLLECTIONS: dict[str, dict[str, Any]] = {
    "text-to-image": {
        "name": "Text to image",
        "description": "Models that generate images from text prompts",
        "models": [
            "black-forest-labs/flux-schnell",
            "stability-ai/sdxl",
            "ideogram-ai/ideogram-v2-turbo",
            "simpoc-demo/pixel-sketch",
        ],
    },
    "text-to-video": {
        "name": "Text to video",
        "description": "Models that create and edit videos from text",
        "models": ["minimax/video-01", "tencent/hunyuan-video", "wavespeedai/wan-2.1-t2v-480p"],
    },
    "image-to-video": {
        "name": "Image to video",
        "description": "Models that animate an image into a video",
        "models": [
            "kwaivgi/kling-v1.6-standard",
            "stability-ai/stable-video-diffusion",
            "wavespeedai/wan-2.1-i2v-480p",
            "minimax/video-01",
        ],
    },
    "video-to-video": {
        "name": "Video to video",
        "description": "Models that restyle or edit an input video",
        "models": ["simpoc-demo/restyle-video"],
    },
    # Each newer collection lists its demo model first and, after it, its test double (if any): the
    # app must refuse what the double answers. The emulator leaves doubles out of its listings unless
    # started with test doubles on (`replicate_emulator --test-doubles`), to see that refusal.
    "super-resolution": {
        "name": "Super resolution",
        "description": "Upscaling models that create high-quality images from low-quality images",
        "models": ["emulator/upscaler"],
    },
    "image-editing": {
        "name": "Image editing",
        "description": "Models that edit an image following a text instruction",
        "models": ["emulator/image-editor"],
    },
    "video-to-text": {
        "name": "Video to text",
        "description": "Models that describe a video in words: captions and summaries",
        "models": ["emulator/captioner", "emulator/captioner-stream", "emulator/bad-captioner"],
    },
    "ai-music-generation": {
        "name": "AI music generation",
        "description": "Models that generate music from a text description",
        "models": ["emulator/music", "emulator/bad-music"],
    },
    "text-to-speech": {
        "name": "Text to speech",
        "description": "Models that turn text into natural-sounding speech",
        "models": ["emulator/speech"],
    },
}

MODELS_BY_ID: dict[str, EmulatedModel] = {model.id: model for model in MODELS}
MODELS_BY_VERSION: dict[str, EmulatedModel] = {model.version_id: model for model in MODELS}
